package io.basalt.cluster.rpc;

import io.basalt.cluster.BillingMode;
import io.basalt.cluster.IndexLag;
import io.basalt.cluster.MetaCommand;
import io.basalt.cluster.MetadataGroup;
import io.basalt.cluster.PartitionClient;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.replication.raft.RaftPeerAddress;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableChange;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TableStatistics;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.expressions.keys.SortKeyCondition;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.CancellationReason;
import io.basalt.partition.ConditionCheckOperation;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexEntryOperation;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.IndexWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.LegacyItemUpdate;
import io.basalt.partition.NoItemUpdate;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.ReplaceItemOperation;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.partition.WriteOutcome;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.FetchMode;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSource;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.ScanRange;
import io.basalt.partition.read.StopReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** Seeded random requests and answers of every frame kind, for {@link TestRpcCodec}'s round trips. */
final class RandomRpcValues {
    private final Random random;

    RandomRpcValues(Random random) {
        this.random = random;
    }

    RpcRequest request() {
        return switch (random.nextInt(20)) {
            case 0 -> write();
            case 17 -> new RpcRequest.StatisticsRead(list(() -> new RpcRequest.StatisticsKey(random.nextLong(),
                    random.nextLong(), partition(), random.nextInt(6))));
            case 18 -> new RpcRequest.IndexLagRead(random.nextLong(), random.nextInt(1 << 20));
            case 19 -> random.nextBoolean() ? propagationSet() : new RpcRequest.PropagationRead();
            case 16 -> new RpcRequest.NodeHeartbeat(1 + random.nextInt(9), list(random::nextLong));
            case 14 -> new RpcRequest.GroupMemberAdd(random.nextLong(), list(() -> new RaftPeerAddress(
                    "n" + (1 + random.nextInt(9)), "127.0.0.1:" + port(), random.nextInt(2)), 1),
                    list(() -> new RaftPeerAddress("n" + (1 + random.nextInt(9)), "127.0.0.1:" + port(), 0)));
            case 15 -> new RpcRequest.GroupMemberRemove(random.nextLong());
            case 13 -> new RpcRequest.NodeJoin("node" + random.nextInt(100) + ".example", port(), port(), port());
            case 12 -> new RpcRequest.MetaCommandCall(metaCommand());
            case 1 -> new RpcRequest.PointRead(partition(), bytes(), random.nextBoolean());
            case 2 -> new RpcRequest.PageRead(partition(), plan());
            case 3 -> new RpcRequest.BatchWrite(list(this::write));
            case 4 -> new RpcRequest.BatchRead(list(() -> new PartitionClient.KeyGroup(partition(), list(this::bytes),
                    random.nextBoolean())));
            case 5 -> {
                int count = random.nextInt(4);
                List<byte[]> keys = new ArrayList<>();
                List<ItemOperation> operations = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    keys.add(bytes());
                    operations.add(operation());
                }
                yield new RpcRequest.Prepare(partition(), random.nextLong(), random.nextLong(), text(), keys,
                        operations);
            }
            case 6 -> new RpcRequest.Commit(partition(), random.nextLong(), random.nextLong());
            case 7 -> new RpcRequest.Release(partition(), random.nextLong(), list(this::bytes));
            case 8 -> new RpcRequest.ReadRound(partition(), list(this::bytes));
            case 9 -> new RpcRequest.Validate(partition(), random.nextLong() & Long.MAX_VALUE);
            case 10 -> new RpcRequest.GlobalIndexApply(partition(), globalIndexBatch());
            default -> new RpcRequest.Ping();
        };
    }

    /** An answer to {@code request}: one of the refusals, or a random result of the request's kind. */
    RpcResponse response(RpcRequest request) {
        switch (random.nextInt(10)) {
            case 0:
                return new RpcResponse.Error(error());
            case 1:
                return new RpcResponse.NotLeader(random.nextLong() & Long.MAX_VALUE, random.nextInt(100));
            case 2:
                return new RpcResponse.WrongPartition(random.nextLong() & Long.MAX_VALUE, partition());
            case 3:
                return List.<RpcResponse>of(new RpcResponse.NotReady(), new RpcResponse.NotApplied(),
                        new RpcResponse.Ambiguous(), new RpcResponse.Overloaded()).get(random.nextInt(4));
            default:
                return new RpcResponse.Ok(result(request));
        }
    }

    private Object result(RpcRequest request) {
        if (request instanceof RpcRequest.Write) {
            return evaluated();
        } else if (request instanceof RpcRequest.PointRead) {
            return random.nextBoolean() ? null : stored();
        } else if (request instanceof RpcRequest.PageRead) {
            StopReason stop = StopReason.values()[random.nextInt(3)];
            return new ReadResult(list(this::stored), random.nextInt(1000), random.nextInt(1 << 20),
                    random.nextInt(1 << 20), stop, stop == StopReason.EXHAUSTED ? null : item());
        } else if (request instanceof RpcRequest.BatchRead batch) {
            List<List<StoredItem>> groups = new ArrayList<>();
            for (PartitionClient.KeyGroup group : batch.groups()) {
                List<StoredItem> items = new ArrayList<>();
                group.itemKeys().forEach(key -> items.add(random.nextBoolean() ? null : stored()));
                groups.add(items);
            }
            return groups;
        } else if (request instanceof RpcRequest.BatchWrite batch) {
            List<Object> outcomes = new ArrayList<>();
            batch.writes().forEach(write -> outcomes.add(random.nextBoolean() ? evaluated() : error()));
            return outcomes;
        } else if (request instanceof RpcRequest.Prepare prepare) {
            List<PrepareOutcome> outcomes = new ArrayList<>();
            prepare.operations().forEach(operation -> outcomes.add(random.nextBoolean()
                    ? new PrepareOutcome.Prepared(staged())
                    : new PrepareOutcome.Refused(new CancellationReason(text(),
                            random.nextBoolean() ? text() : null, random.nextBoolean() ? item() : null))));
            return outcomes;
        } else if (request instanceof RpcRequest.Commit) {
            return list(this::evaluated);
        } else if (request instanceof RpcRequest.ReadRound round) {
            List<byte[]> items = new ArrayList<>();
            List<PartitionState.ReadState> states = new ArrayList<>();
            for (int i = 0; i < round.itemKeys().size(); i++) {
                PartitionState.ReadState state = PartitionState.ReadState.values()[random.nextInt(3)];
                states.add(state);
                items.add(state == PartitionState.ReadState.READ && random.nextBoolean() ? ItemCodec.encode(item())
                        : null);
            }
            return new PartitionState.ReadRound(items, states,
                    random.nextBoolean() ? new RemoteWatch(random.nextLong() & Long.MAX_VALUE) : null);
        } else if (request instanceof RpcRequest.GlobalIndexApply) {
            return position();
        } else if (request instanceof RpcRequest.MetaCommandCall) {
            long version = random.nextLong() & Long.MAX_VALUE;
            return switch (random.nextInt(3)) {
                case 0 -> new MetaCommandAnswer(version, draft(), false);
                case 1 -> new MetaCommandAnswer(version, null, false);
                default -> new MetaCommandAnswer(version, null, true);
            };
        } else if (request instanceof RpcRequest.NodeJoin) {
            List<NodeAddress> nodes = new ArrayList<>();
            int count = 1 + random.nextInt(5);
            for (int id = 1; id <= count; id++) {
                nodes.add(new NodeAddress(id, "127.0.0." + id, port(), port(), port()));
            }
            return new NodeJoinAnswer(random.nextLong(), 1 + random.nextInt(count), 1 + random.nextInt(8), nodes,
                    List.of(1));
        } else if (request instanceof RpcRequest.StatisticsRead read) {
            List<TableStatistics> statistics = new ArrayList<>();
            read.keys().forEach(key -> statistics.add(random.nextBoolean() ? null
                    : new TableStatistics(random.nextLong() & Long.MAX_VALUE, random.nextLong() & Long.MAX_VALUE)));
            return statistics;
        } else if (request instanceof RpcRequest.IndexLagRead) {
            return new IndexLag(random.nextLong() & Long.MAX_VALUE, random.nextLong() & Long.MAX_VALUE,
                    random.nextBoolean());
        } else if (request instanceof RpcRequest.PropagationRead) {
            return random.nextBoolean() ? null : propagationSet();
        } else if (request instanceof RpcRequest.Validate) {
            boolean[] written = new boolean[random.nextInt(5)];
            for (int i = 0; i < written.length; i++) {
                written[i] = random.nextBoolean();
            }
            return written;
        }
        return null;
    }

    RpcRequest.PropagationSet propagationSet() {
        return new RpcRequest.PropagationSet(random.nextBoolean(), random.nextLong() & Long.MAX_VALUE,
                random.nextLong() & Long.MAX_VALUE, random.nextInt(Integer.MAX_VALUE));
    }

    RpcRequest.Write write() {
        return new RpcRequest.Write(partition(), random.nextLong() & Long.MAX_VALUE, bytes(), operation(),
                random.nextInt(4));
    }

    PartitionId partition() {
        return new PartitionId(1 + random.nextLong(Long.MAX_VALUE - 1));
    }

    BasaltException error() {
        return switch (random.nextInt(4)) {
            case 0 -> new ConditionalCheckFailedException(random.nextBoolean() ? item() : null);
            case 1 -> new ConditionalCheckFailedException(item()).returningItem();
            case 2 -> new BasaltException(ErrorCode.TRANSACTION_CONFLICT, "Transaction is ongoing for the item");
            default -> BasaltException.validation("One or more parameter values were invalid: " + text());
        };
    }

    ItemOperation operation() {
        PrimaryKey key = new PrimaryKey(value(0), random.nextBoolean() ? Optional.of(value(0)) : Optional.empty());
        Condition condition = random.nextBoolean() ? condition() : null;
        return switch (random.nextInt(5)) {
            case 0 -> new PutItemOperation(key, item(), condition);
            case 1 -> new UpdateItemOperation(key, item(), random.nextBoolean() ? NoItemUpdate.INSTANCE
                    : new LegacyItemUpdate(new LegacyUpdate(List.of(new LegacyUpdate.Action(text(),
                            LegacyUpdate.Kind.PUT, value(1))))), condition);
            case 2 -> new DeleteItemOperation(key, condition);
            case 3 -> new ConditionCheckOperation(key, condition());
            default -> new ReplaceItemOperation(key, random.nextBoolean() ? item() : null);
        };
    }

    PartitionState.Staged staged() {
        return new PartitionState.Staged(bytes(), operation(), random.nextBoolean() ? stored() : null, outcome());
    }

    EvaluatedWrite evaluated() {
        List<IndexWrite> indexes = list(() -> new IndexWrite(text(), random.nextBoolean(), random.nextInt(8) / 2.0));
        return new EvaluatedWrite(outcome(), null, random.nextInt(400_000), random.nextInt(400_000), indexes,
                random.nextBoolean() ? -1 : random.nextInt(1 << 30));
    }

    private WriteOutcome outcome() {
        return new WriteOutcome(random.nextBoolean() ? stored() : null, random.nextBoolean() ? item() : null,
                list(this::path));
    }

    /** A plan: a random spec, with a key schema, the index it reads (if any) and a range. */
    ReadPlan plan() {
        ReadSpec spec = spec();
        KeySchema schema = new KeySchema(keyAttribute(), random.nextBoolean() ? Optional.of(keyAttribute())
                : Optional.empty());
        SecondaryIndex index = null;
        if (spec.source().kind() != ReadSource.Kind.BASE) {
            boolean global = spec.source().kind() == ReadSource.Kind.GLOBAL_INDEX;
            Projection projection = switch (random.nextInt(3)) {
                case 0 -> Projection.ALL;
                case 1 -> Projection.KEYS_ONLY;
                default -> Projection.include(list(this::text));
            };
            index = new SecondaryIndex(text(), spec.source().indexId(), global,
                    global ? list(this::keyAttribute, 1) : List.of(keyAttribute()),
                    global ? list(this::keyAttribute) : List.of(keyAttribute()), projection);
        }
        return new ReadPlan(spec, schema, index, new KeyRange(bytes(), bytes()));
    }

    private KeyAttribute keyAttribute() {
        return new KeyAttribute(text(), List.of(AttributeType.S, AttributeType.N, AttributeType.B)
                .get(random.nextInt(3)));
    }

    ReadSpec spec() {
        boolean query = random.nextBoolean();
        int kind = random.nextInt(3);
        ReadSource source = kind == 0 ? ReadSource.BASE : ReadSource.index(1 + random.nextInt(20), kind == 2);
        FetchMode fetch = source.kind() == ReadSource.Kind.LOCAL_INDEX ? FetchMode.values()[random.nextInt(3)]
                : FetchMode.NONE;
        KeyCondition keyCondition = query ? new KeyCondition(list(() -> value(0), 1), list(() -> value(0)),
                Optional.ofNullable(sortCondition())) : null;
        int total = 1 + random.nextInt(16);
        ScanRange range = query ? null : new ScanRange(random.nextInt(total), total);
        return new ReadSpec(random.nextLong() & Long.MAX_VALUE, source, keyCondition, range, !query
                || random.nextBoolean(), 1 + random.nextInt(10_000), 1 + random.nextInt(1 << 20),
                random.nextBoolean() ? condition() : null, random.nextBoolean() ? list(this::path) : null,
                random.nextBoolean(), fetch, random.nextBoolean() ? item() : null, random.nextBoolean());
    }

    private SortKeyCondition sortCondition() {
        return switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> new SortKeyCondition.Compare(List.of(Condition.Comparator.EQ, Condition.Comparator.LT,
                    Condition.Comparator.LE, Condition.Comparator.GT, Condition.Comparator.GE).get(random.nextInt(5)),
                    value(0));
            case 2 -> new SortKeyCondition.Between(value(0), value(0));
            default -> new SortKeyCondition.BeginsWith(AttributeValue.string(text()));
        };
    }

    private Condition condition() {
        Operand left = new Operand.Path(path());
        Operand right = new Operand.Literal(value(1), ":v" + random.nextInt(10));
        Condition.Comparison comparison = new Condition.Comparison(left, Condition.Comparator.values()[random.nextInt(
                Condition.Comparator.values().length)], right);
        return random.nextBoolean() ? comparison : new Condition.And(comparison, new Condition.Not(comparison));
    }

    private DocumentPath path() {
        List<PathElement> elements = new ArrayList<>(List.of(new PathElement.Name(text())));
        if (random.nextBoolean()) {
            elements.add(new PathElement.Index(random.nextInt(100)));
        }
        return new DocumentPath(elements);
    }

    StoredItem stored() {
        return StoredItem.of(ItemCodec.encode(item()));
    }

    Item item() {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            attributes.put(text(), value(2));
        }
        return new Item(attributes);
    }

    private AttributeValue value(int depth) {
        int kinds = depth > 0 ? 6 : 3;
        return switch (random.nextInt(kinds)) {
            case 0 -> AttributeValue.string(text());
            case 1 -> AttributeValue.number(random.nextInt());
            case 2 -> AttributeValue.binary(bytes());
            case 3 -> AttributeValue.BooleanValue.of(random.nextBoolean());
            case 4 -> AttributeValue.NullValue.INSTANCE;
            default -> new AttributeValue.ListValue(list(() -> value(depth - 1)));
        };
    }

    private int port() {
        return 1 + random.nextInt(65535);
    }

    private String text() {
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(12);
        for (int i = 0; i < length; i++) {
            boolean accented = random.nextInt(10) == 0;
            char letter = accented ? (char) ('à' + random.nextInt(20)) : (char) ('a' + random.nextInt(26));
            text.append(letter);
        }
        return text.toString();
    }

    byte[] bytes() {
        byte[] bytes = new byte[1 + random.nextInt(40)];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> List<T> list(java.util.function.Supplier<T> element) {
        return list(element, 0);
    }

    private <T> List<T> list(java.util.function.Supplier<T> element, int atLeast) {
        int count = atLeast + random.nextInt(4);
        List<T> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(element.get());
        }
        return list;
    }

    /** A batch of puts and deletes with non-decreasing positions. */
    GlobalIndexBatch globalIndexBatch() {
        List<GlobalIndexBatch.Tagged> operations = new ArrayList<>();
        long sequence = random.nextInt(1000);
        int sub = 0;
        int count = random.nextInt(5);
        for (int i = 0; i < count; i++) {
            if (random.nextBoolean()) {
                sequence += 1 + random.nextInt(2);
                sub = 0;
            } else {
                sub += random.nextInt(3);
            }
            IndexEntryOperation operation = random.nextBoolean()
                    ? new IndexEntryOperation.IndexEntryPut(bytes(), item())
                    : new IndexEntryOperation.IndexEntryDelete(bytes());
            operations.add(new GlobalIndexBatch.Tagged(new IndexPosition(sequence, sub), operation));
        }
        return new GlobalIndexBatch(1 + random.nextInt(1000), 1 + random.nextInt(0xFFFF), partition(),
                new IndexPosition(sequence + random.nextInt(3), sub + 1), operations);
    }

    IndexPosition position() {
        return new IndexPosition(random.nextLong() & Long.MAX_VALUE, random.nextInt() & Integer.MAX_VALUE);
    }

    /** A table command as a node forwards it to the metadata leader. */
    private MetaCommand metaCommand() {
        return switch (random.nextInt(3)) {
            case 0 -> new MetaCommand.CreateTable(draft());
            case 1 -> new MetaCommand.DeleteTable(draft());
            default -> new MetaCommand.UpdateTable(text(), new TableChange.AddTags(Map.of(text(), text())));
        };
    }

    private TableMetadata draft() {
        KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
        return MetadataGroup.draft(new TableDefinition("T" + random.nextInt(1000), schema,
                List.of(schema.partitionKey()), BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE,
                random.nextBoolean(), null, Map.of(), List.of()), Instant.ofEpochMilli(random.nextInt()),
                Duration.ofMillis(random.nextInt(1000)));
    }
}
