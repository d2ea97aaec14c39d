import type { KafkaBusError } from '../errors/kafka-bus-error.js';

/**
 * The port between the bus and a Kafka client. It moves bytes: it knows topics, partitions,
 * offsets and headers, and nothing of Avro or of typed values. Every method that fails rejects
 * with a {@link KafkaBusError}, so the layers above never see a client's own error classes.
 *
 * Offsets are decimal strings throughout, because Kafka offsets are 64-bit.
 */
export interface KafkaDriver {
  /** Creates a producer; nothing connects until `connect()`. */
  producer(config?: DriverProducerConfig): DriverProducer;
  /** Creates a group consumer; nothing connects until `connect()`. */
  consumer(config: DriverConsumerConfig): DriverConsumer;
  /** Creates an admin client; nothing connects until `connect()`. */
  admin(): DriverAdmin;
}

/**
 * Header values as they travel on the wire. Where a record repeats a header name, the last
 * value is kept; headers without a value are left out.
 */
export type RecordHeaders = Readonly<Record<string, Buffer>>;

/** A topic and a partition. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A position in a partition. */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: string;
}

/** Settings that decide which producer instance a send needs. */
export interface DriverProducerConfig {
  /** Acknowledgements: -1 (all in-sync replicas), 0 or 1. */
  readonly acks?: -1 | 0 | 1;
  /** Idempotent delivery: the broker drops duplicates caused by retries. */
  readonly idempotent?: boolean;
  /** Compression codec for record batches. */
  readonly compression?: 'none' | 'gzip';
  /** Transactional id, for transactional producers. */
  readonly transactionalId?: string;
}

/** One record to produce. Its partition is chosen before it reaches the driver. */
export interface OutgoingRecord {
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders;
  /** Create time in milliseconds since the epoch; the broker's clock when absent. */
  readonly timestamp?: number;
}

/** Records for one topic, in the order they must be appended per partition. */
export interface ProduceRequest {
  readonly topic: string;
  readonly records: readonly OutgoingRecord[];
}

/** Where a produced record was stored. */
export interface RecordMetadata extends TopicPartitionOffset {
  /** Log append or create time in ms since the epoch, as a decimal string, when known. */
  readonly timestamp?: string;
}

/** A connected producer. */
export interface DriverProducer {
  connect(): Promise<void>;
  /**
   * Sends the requests in as few broker requests as the client can, and resolves with one
   * metadata entry per record, in input order (requests first, then records within each).
   */
  send(requests: readonly ProduceRequest[], timeoutMs?: number): Promise<RecordMetadata[]>;
  /**
   * Optional health check of a connected, idle producer: rejects when it can no longer send.
   * A producer pool calls it periodically and replaces a producer whose check rejects.
   */
  check?(): Promise<void>;
  disconnect(): Promise<void>;
}

/** Settings of a group consumer. */
export interface DriverConsumerConfig {
  readonly groupId: string;
  /** Where a group without committed offsets starts. */
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Upper bound on bytes fetched per partition and request. */
  readonly maxBytesPerPartition?: number;
  /**
   * Longest time the broker holds a fetch waiting for data, in ms; also how long kafkajs
   * sleeps between polls while every partition is paused, so it bounds resume latency.
   */
  readonly fetchMaxWaitMs?: number;
}

/** A record as fetched from a partition. */
export interface FetchedRecord {
  /** Offset as a decimal string. */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /** Timestamp in ms since the epoch, as a decimal string. */
  readonly timestamp: string;
}

/** Records of one partition, in offset order (offsets need not be consecutive). */
export interface FetchedBatch extends TopicPartition {
  readonly records: readonly FetchedRecord[];
  /** The partition's high watermark when fetched: the offset of the next record to be written. */
  readonly highWatermark: string;
}

/** Callbacks through which a running consumer hands over work and news. */
export interface ConsumerHandlers {
  /**
   * Receives the next batch of a partition. The driver does not fetch that partition again
   * until the returned promise settles. It resolves with the offset of the last record taken
   * (the driver fetches after it) or undefined when none was (the driver fetches the same
   * records again, so pause the partition first or it spins).
   */
  onBatch(batch: FetchedBatch): Promise<string | undefined>;
  /** The partitions this member owns after a (re)join. */
  onAssigned?(partitions: readonly TopicPartition[]): void;
  /**
   * A rebalance has started: commit what is done now, the assignment may change. With
   * `rejoinWaits` true the driver learnt of it while handing over a batch and waits for the
   * returned promise before rejoining, so work can drain and offsets can still be committed
   * under the current assignment. With false it learnt of it between fetches and is rejoining
   * now: only a commit started synchronously precedes the rejoin request.
   */
  onRebalancing?(rejoinWaits: boolean): void | Promise<void>;
  /** The consumer stopped and will not restart by itself. */
  onCrash?(error: KafkaBusError): void;
}

/** A group consumer. */
export interface DriverConsumer {
  connect(): Promise<void>;
  subscribe(topics: readonly string[]): Promise<void>;
  /** Starts the fetch loop; resolves once it runs. */
  run(handlers: ConsumerHandlers): Promise<void>;
  /** Commits the given next-offsets-to-read for the group. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Moves the fetch position of an assigned partition. */
  seek(position: TopicPartitionOffset): void;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Stops fetching, leaves the group and closes connections. */
  disconnect(): Promise<void>;
}

/** A topic to create. */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  readonly config?: Readonly<Record<string, string>>;
}

/** The offsets bounding a partition. */
export interface PartitionOffsets {
  readonly partition: number;
  /** The first offset still in the log. */
  readonly low: string;
  /** The offset the next record will get. */
  readonly high: string;
}

/** Cluster administration the bus needs. */
export interface DriverAdmin {
  connect(): Promise<void>;
  /** Creates the topics that do not exist yet; resolves with the names it created. */
  createTopics(topics: readonly TopicSpec[]): Promise<string[]>;
  /** Number of partitions of each topic; rejects naming a topic that does not exist. */
  partitionCounts(topics: readonly string[]): Promise<Map<string, number>>;
  /** Low and high offsets of every partition of a topic. */
  fetchOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** For each partition, the first offset whose timestamp is at or after `timestampMs`. */
  fetchOffsetsByTimestamp(topic: string, timestampMs: number): Promise<TopicPartitionOffset[]>;
  /** The group's committed offsets for a topic (`-1` where none). */
  fetchCommittedOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]>;
  /**
   * The effective values of a topic's configuration entries (the broker's defaults where the
   * topic sets none). Optional: a driver without it makes the bus assume Kafka's defaults.
   */
  topicConfig?(topic: string, names: readonly string[]): Promise<Map<string, string>>;
  disconnect(): Promise<void>;
}
