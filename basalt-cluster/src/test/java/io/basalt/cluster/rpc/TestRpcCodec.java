package io.basalt.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.IndexLag;
import io.basalt.cluster.TableStatistics;
import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexEntryOperation;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.FetchMode;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadSource;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.ScanRange;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The internal RPC's frames (docs/design/cluster.md §12.2): golden bytes that pin the layout, seeded random round
 * trips of every request kind and of every kind of answer to each, and strict decoding (every truncation, a wrong
 * length, unknown versions and kinds, reserved kinds, trailing bytes and oversized frames are refused with
 * {@link IllegalStateException}, never another exception).
 */
class TestRpcCodec {
    private static final HexFormat HEX = HexFormat.of();
    private static final PartitionId PARTITION = new PartitionId(7);
    private static final byte[] ITEM_KEY = {2, 0, 0, 0, 7, 1, 2, 3};
    private static final Item ITEM = new Item(Map.of("pk", AttributeValue.string("a")));

    @Test
    void aWriteRequestHasTheFrameHeaderThenPartitionMapVersionImagesKeyAndOperation() {
        PutItemOperation put = new PutItemOperation(new PrimaryKey(AttributeValue.string("a"), Optional.empty()),
                ITEM, new Condition.AttributeNotExists(DocumentPath.of("pk")));
        byte[] frame = RpcCodec.encodeRequest(258, 5000, new RpcRequest.Write(PARTITION, 0, ITEM_KEY, put,
                RpcRequest.RETURN_OLD_IMAGE));
        assertThat(HEX.formatHex(frame)).isEqualTo(
                "0000002e" // length of what follows
                        + "01" + "01" // protocol version, kind WRITE
                        + "0000000000000102" // request id 258
                        + "00001388" // deadline 5000 ms
                        + "07" // partition id 7 (a varlong)
                        + "00" + "01" // map version 0, return the old image
                        + "08" + "0200000007010203" // item key
                        + GOLDEN_PUT);
    }

    /** The operation's own encoding ({@code OperationCodec}, pinned by its own golden test). */
    private static final String GOLDEN_PUT = "01" + "01" // operation format 1, PUT
            + "00" + "010161" // key: partition key only, S "a"
            + "08" + "01" + "01" + "02706b" // attribute_not_exists(pk)
            + "01" + "01" + "02706b" + "010161"; // item {pk: S "a"}

    @Test
    void answersCarryTheRequestIdAndNoDeadline() {
        RpcRequest.PointRead read = new RpcRequest.PointRead(PARTITION, ITEM_KEY, true);
        assertThat(HEX.formatHex(RpcCodec.encodeRequest(1, 5000, read))).isEqualTo(
                "0000001a" + "01" + "02" + "0000000000000001" + "00001388" + "07"
                        + "01" + "01" // POINT, consistent
                        + "08" + "0200000007010203");
        byte[] stored = ItemCodec.encode(ITEM);
        assertThat(HEX.formatHex(RpcCodec.encodeResponse(1, read, new RpcResponse.Ok(StoredItem.of(stored)))))
                .isEqualTo("000000" + String.format("%02x", 14 + 1 + 1 + stored.length) + "01" + "80"
                        + "0000000000000001" + "00000000" + "01" + String.format("%02x", stored.length)
                        + HEX.formatHex(stored));
        assertThat(HEX.formatHex(RpcCodec.encodeResponse(1, read, new RpcResponse.Ok(null))))
                .isEqualTo("0000000f" + "01" + "80" + "0000000000000001" + "00000000" + "00");
    }

    @Test
    void aFailedConditionTravelsWithItsCodeTextAndCurrentItem() {
        RpcRequest.PointRead read = new RpcRequest.PointRead(PARTITION, ITEM_KEY, false);
        byte[] frame = RpcCodec.encodeResponse(9, read, new RpcResponse.Error(
                new ConditionalCheckFailedException(ITEM).returningItem()));
        String code = HEX.formatHex("CONDITIONAL_CHECK_FAILED".getBytes());
        String message = HEX.formatHex("The conditional request failed".getBytes());
        assertThat(HEX.formatHex(frame)).isEqualTo(HEX.formatHex(Arrays.copyOf(frame, 4)) + "01" + "81"
                + "0000000000000009" + "00000000" + "18" + code + "1e" + message
                + "01" + "01" + "01" + HEX.formatHex(ItemCodec.encode(ITEM)));
        RpcResponse decoded = RpcCodec.decodeResponse(frame, read).content();
        assertThat(decoded).isInstanceOfSatisfying(RpcResponse.Error.class, error -> {
            assertThat(error.error()).isInstanceOfSatisfying(ConditionalCheckFailedException.class, failed -> {
                assertThat(failed.currentItem()).isEqualTo(ITEM);
                assertThat(failed.returnItem()).isTrue();
                assertThat(failed.getMessage()).isEqualTo("The conditional request failed");
            });
        });
    }

    /** NODE_FIGURES (s18): a shape byte, then the shape's fields; answers as {@code FiguresCodec} documents. */
    @Test
    void nodeFiguresFramesHaveAShapeThenTheirFields() {
        RpcRequest.StatisticsRead read = new RpcRequest.StatisticsRead(List.of(
                new RpcRequest.StatisticsKey(2, 5, PARTITION, 0), new RpcRequest.StatisticsKey(3, 5, PARTITION, 1)));
        assertThat(HEX.formatHex(RpcCodec.encodeRequest(4, 3000, read))).isEqualTo("00000034" + "01" + "13"
                + "0000000000000004" + "00000bb8"
                + "01" + "02" // STATISTICS, two keys
                + "0000000000000002" + "0000000000000005" + "07" + "00" // group 2, table 5, partition 7, record
                + "0000000000000003" + "0000000000000005" + "07" + "01"); // group 3, local index 1
        byte[] answer = RpcCodec.encodeResponse(4, read, new RpcResponse.Ok(
                Arrays.asList(new TableStatistics(3, 300), null)));
        assertThat(HEX.formatHex(answer)).isEqualTo("00000014" + "01" + "80" + "0000000000000004" + "00000000"
                + "02" + "01" + "03" + "ac02" + "00");
        assertThat(((RpcResponse.Ok) RpcCodec.decodeResponse(answer, read).content()).value())
                .isEqualTo(Arrays.asList(new TableStatistics(3, 300), null));

        RpcRequest.IndexLagRead lag = new RpcRequest.IndexLagRead(5, 2);
        assertThat(HEX.formatHex(RpcCodec.encodeRequest(5, 0, lag))).isEqualTo("00000018" + "01" + "13"
                + "0000000000000005" + "00000000" + "02" + "0000000000000005" + "02");
        byte[] lagAnswer = RpcCodec.encodeResponse(5, lag, new RpcResponse.Ok(
                new IndexLag(4, 250, false)));
        assertThat(HEX.formatHex(lagAnswer)).isEqualTo("00000012" + "01" + "80" + "0000000000000005" + "00000000"
                + "04" + "fa01" + "00");
        assertThat(((RpcResponse.Ok) RpcCodec.decodeResponse(lagAnswer, lag).content()).value())
                .isEqualTo(new IndexLag(4, 250, false));

        RpcRequest.PropagationSet set = new RpcRequest.PropagationSet(false, 500, 1000, 2);
        assertThat(HEX.formatHex(RpcCodec.encodeRequest(6, 0, set))).isEqualTo("00000015" + "01" + "13"
                + "0000000000000006" + "00000000" + "03" + "00" + "f403" + "e807" + "02"); // set at 1000 by node 2
        assertThat(RpcCodec.decodeRequest(RpcCodec.encodeRequest(6, 0, set)).content()).isEqualTo(set);
        assertRefused(with(RpcCodec.encodeRequest(6, 0, set), 18, 9), "unknown figures shape 9");

        // s19: a node that starts asks the others for the newest setting they have heard of.
        RpcRequest.PropagationRead ask = new RpcRequest.PropagationRead();
        assertThat(HEX.formatHex(RpcCodec.encodeRequest(7, 0, ask))).isEqualTo("0000000f" + "01" + "13"
                + "0000000000000007" + "00000000" + "04");
        assertThat(RpcCodec.decodeRequest(RpcCodec.encodeRequest(7, 0, ask)).content()).isEqualTo(ask);
        byte[] told = RpcCodec.encodeResponse(7, ask, new RpcResponse.Ok(set));
        assertThat(HEX.formatHex(told)).isEqualTo("00000015" + "01" + "80" + "0000000000000007" + "00000000"
                + "01" + "00" + "f403" + "e807" + "02");
        assertThat(((RpcResponse.Ok) RpcCodec.decodeResponse(told, ask).content()).value()).isEqualTo(set);
        byte[] nothing = RpcCodec.encodeResponse(7, ask, new RpcResponse.Ok(null));
        assertThat(HEX.formatHex(nothing)).isEqualTo("0000000f" + "01" + "80" + "0000000000000007" + "00000000"
                + "00");
        assertThat(((RpcResponse.Ok) RpcCodec.decodeResponse(nothing, ask).content()).value()).isNull();
    }

    @Test
    void aPropagationSettingIsNewerByItsStampThenItsNode() {
        RpcRequest.PropagationSet first = new RpcRequest.PropagationSet(true, 0, 1000, 3);
        assertThat(first.isNewerThan(null)).isTrue();
        assertThat(new RpcRequest.PropagationSet(false, 0, 1001, 1).isNewerThan(first)).isTrue();
        assertThat(new RpcRequest.PropagationSet(false, 0, 1000, 4).isNewerThan(first)).isTrue();
        assertThat(new RpcRequest.PropagationSet(false, 0, 1000, 2).isNewerThan(first)).isFalse();
        assertThat(new RpcRequest.PropagationSet(false, 0, 999, 9).isNewerThan(first)).isFalse();
        assertThat(first.isNewerThan(first)).isFalse();
    }

    @Test
    void refusalsOfTheRouterHaveTheirOwnKinds() {
        RpcRequest ping = new RpcRequest.Ping();
        assertThat(HEX.formatHex(RpcCodec.encodeRequest(3, 0, ping)))
                .isEqualTo("0000000e" + "01" + "12" + "0000000000000003" + "00000000");
        assertThat(HEX.formatHex(RpcCodec.encodeResponse(3, ping, new RpcResponse.NotLeader(5, 2))))
                .isEqualTo("00000010" + "01" + "82" + "0000000000000003" + "00000000" + "05" + "02");
        assertThat(HEX.formatHex(RpcCodec.encodeResponse(3, ping, new RpcResponse.WrongPartition(300, PARTITION))))
                .isEqualTo("00000011" + "01" + "83" + "0000000000000003" + "00000000" + "ac02" + "07");
        assertThat(RpcCodec.encodeResponse(3, ping, new RpcResponse.Ambiguous())[5]).isEqualTo((byte) 0x86);
    }

    @Test
    void aGlobalIndexApplyCarriesTheIndexPartitionThenTheTaggedBatchAndIsAnsweredWithAPosition() {
        GlobalIndexBatch batch = new GlobalIndexBatch(5, 2, new PartitionId(3), new IndexPosition(9, 0),
                List.of(new GlobalIndexBatch.Tagged(new IndexPosition(9, 0),
                        new IndexEntryOperation.IndexEntryDelete(new byte[] {1, 2}))));
        RpcRequest.GlobalIndexApply apply = new RpcRequest.GlobalIndexApply(new PartitionId(7), batch);
        byte[] frame = RpcCodec.encodeRequest(1, 0, apply);
        assertThat(frame[5]).isEqualTo((byte) 11);
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(frame, RpcCodec.HEADER_BYTES, frame.length)))
                // index partition 7; table 5, index 2, source 3, through (9, 0); 1 operation: (9, 0) DELETE [1 2]
                .isEqualTo("07" + "05" + "0002" + "03" + "0900" + "01" + "0900" + "02" + "020102");
        RpcRequest.GlobalIndexApply decoded = (RpcRequest.GlobalIndexApply) RpcCodec.decodeRequest(frame).content();
        assertThat(decoded.indexPartition()).isEqualTo(new PartitionId(7));
        assertThat(decoded.batch().through()).isEqualTo(new IndexPosition(9, 0));
        assertThat(decoded.batch().operations()).singleElement().satisfies(tagged -> assertThat(
                tagged.operation().entryKey()).containsExactly(1, 2));
        byte[] answer = RpcCodec.encodeResponse(1, apply, new RpcResponse.Ok(new IndexPosition(12, 3)));
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(answer, RpcCodec.HEADER_BYTES, answer.length)))
                .isEqualTo("0c03");
        assertThat(((RpcResponse.Ok) RpcCodec.decodeResponse(answer, apply).content()).value())
                .isEqualTo(new IndexPosition(12, 3));
    }

    /**
     * A page travels as its plan cut to the partition (read shape 3; shape 2, a bare spec that no build ever
     * served, is retired and refused): the spec, the key schema, the index read, then the range's two bounds.
     */
    @Test
    void aPageReadCarriesItsPlanSpecSchemaIndexAndRange() {
        ReadSpec scan = new ReadSpec(3, ReadSource.BASE, null, new ScanRange(1, 4), true, 10,
                ReadSpec.MAX_PAGE_BYTES, null, null, false, FetchMode.NONE, null, true);
        ReadPlan plan = new ReadPlan(scan, KeySchema.of(new KeyAttribute("pk", AttributeType.S)), null,
                new KeyRange(new byte[] {2, 1}, new byte[] {2, 2}));
        RpcRequest.PageRead page = new RpcRequest.PageRead(PARTITION, plan);
        byte[] frame = RpcCodec.encodeRequest(1, 5000, page);
        assertThat(HEX.formatHex(frame)).isEqualTo(
                "00000029" + "01" + "02" + "0000000000000001" + "00001388" // header: READ, request 1, 5000 ms
                        + "07" + "03" // partition 7, shape PAGE (a plan)
                        + "03" + "01" + "00" // spec: table 3, BASE, index 0
                        + "02" + "01" + "04" // SCAN segment 1 of 4
                        + "05" + "0a" + "808040" // forward and consistent, limit 10, 1 MB budget
                        + "00" + "01" // no filter, fetch NONE
                        + "02706b" + "01" + "00" // schema: pk S, no sort key
                        + "00" // no index
                        + "020201" + "020202"); // range [02 01, 02 02)
        RpcRequest.PageRead decoded = (RpcRequest.PageRead) RpcCodec.decodeRequest(frame).content();
        assertThat(decoded.partition()).isEqualTo(PARTITION);
        assertThat(decoded.plan().spec()).isEqualTo(scan);
        assertThat(decoded.plan().schema()).isEqualTo(plan.schema());
        assertThat(decoded.plan().index()).isNull();
        assertThat(decoded.plan().range().lowerInclusive()).containsExactly(2, 1);
        assertThat(decoded.plan().range().upperExclusive()).containsExactly(2, 2);

        byte[] retired = Arrays.copyOf(frame, frame.length);
        retired[RpcCodec.HEADER_BYTES + 1] = 2;
        assertRefused(retired, "read shape 2 (a page as a bare spec) is retired");

        KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
                new KeyAttribute("sk", AttributeType.N));
        SecondaryIndex global = new SecondaryIndex("byOwner", 4, true, List.of(new KeyAttribute("owner",
                AttributeType.S), new KeyAttribute("team", AttributeType.B)), List.of(new KeyAttribute("at",
                AttributeType.N)), Projection.include(List.of("title", "size")));
        ReadSpec query = new ReadSpec(3, ReadSource.index(4, true), new KeyCondition(List.of(
                AttributeValue.string("o"), AttributeValue.string("t")), List.of(), Optional.empty()), null, false, 5,
                100, null, List.of(DocumentPath.of("title")), false, FetchMode.NONE, null, false);
        ReadPlan indexPlan = new ReadPlan(query, schema, global, new KeyRange(new byte[] {2, 3}, new byte[] {2, 4}));
        ReadPlan decodedIndex = ((RpcRequest.PageRead) RpcCodec.decodeRequest(RpcCodec.encodeRequest(2, 0,
                new RpcRequest.PageRead(PARTITION, indexPlan))).content()).plan();
        assertThat(decodedIndex.spec()).isEqualTo(query);
        assertThat(decodedIndex.schema()).isEqualTo(schema);
        assertThat(decodedIndex.index()).isEqualTo(global);
    }

    @Test
    void seededRandomFramesOfEveryKindRoundTrip() {
        // -Dbasalt.seed=<seed> replays a failure.
        long seed = Long.getLong("basalt.seed", System.nanoTime());
        System.out.println("TestRpcCodec seed: " + seed);
        Random random = new Random(seed);
        RandomRpcValues values = new RandomRpcValues(random);
        boolean[] kindsSeen = new boolean[256];
        for (int i = 0; i < 3000; i++) {
            RpcRequest request = values.request();
            long id = random.nextLong();
            int deadline = random.nextInt(Integer.MAX_VALUE);
            byte[] frame = RpcCodec.encodeRequest(id, deadline, request);
            RpcCodec.Frame<RpcRequest> decoded = RpcCodec.decodeRequest(frame);
            assertThat(decoded.requestId()).as("seed %d", seed).isEqualTo(id);
            assertThat(decoded.deadlineMillis()).as("seed %d", seed).isEqualTo(deadline);
            assertThat(decoded.content().getClass()).as("seed %d", seed).isEqualTo(request.getClass());
            // The encoding is deterministic: what decodes to the same value encodes to the same bytes.
            assertThat(RpcCodec.encodeRequest(id, deadline, decoded.content())).as("seed %d, %s", seed, request)
                    .isEqualTo(frame);
            kindsSeen[request.kind().tag()] = true;

            RpcResponse response = values.response(request);
            byte[] answer = RpcCodec.encodeResponse(id, request, response);
            RpcResponse read = RpcCodec.decodeResponse(answer, decoded.content()).content();
            assertThat(read.kind()).as("seed %d", seed).isEqualTo(response.kind());
            assertThat(RpcCodec.encodeResponse(id, request, read)).as("seed %d, %s", seed, response)
                    .isEqualTo(answer);
            kindsSeen[response.kind().tag()] = true;
            if (i % 10 == 0) {
                assertEveryTruncationIsRefused(frame, bytes -> RpcCodec.decodeRequest(bytes), seed);
                assertEveryTruncationIsRefused(answer, bytes -> RpcCodec.decodeResponse(bytes, request), seed);
            }
        }
        for (RpcKind kind : RpcKind.values()) {
            assertThat(kindsSeen[kind.tag()]).as("%s seen (seed %d)", kind, seed).isEqualTo(kind.defined());
        }
    }

    @Test
    void decodedValuesEqualTheOriginals() {
        PutItemOperation put = new PutItemOperation(new PrimaryKey(AttributeValue.string("a"), Optional.empty()),
                ITEM, new Condition.Comparison(new Operand.Path(DocumentPath.of("n")), Condition.Comparator.LT,
                        new Operand.Literal(AttributeValue.number(3), ":n")));
        RpcRequest.Write write = new RpcRequest.Write(PARTITION, 12, ITEM_KEY, put, RpcRequest.RETURN_ALL_IMAGES);
        RpcRequest.Write decoded = (RpcRequest.Write) RpcCodec.decodeRequest(RpcCodec.encodeRequest(1, 2, write))
                .content();
        assertThat(decoded.partition()).isEqualTo(PARTITION);
        assertThat(decoded.mapVersion()).isEqualTo(12);
        assertThat(decoded.itemKey()).isEqualTo(ITEM_KEY);
        assertThat(decoded.returnImages()).isEqualTo(RpcRequest.RETURN_ALL_IMAGES);
        assertThat(decoded.operation()).isInstanceOfSatisfying(PutItemOperation.class, decodedPut -> {
            assertThat(decodedPut.key()).isEqualTo(put.key());
            assertThat(decodedPut.item()).isEqualTo(ITEM);
            assertThat(decodedPut.condition()).isEqualTo(put.condition());
        });
    }

    @Test
    void malformedFramesAreRefused() {
        byte[] ping = RpcCodec.encodeRequest(1, 0, new RpcRequest.Ping());
        assertRefused(with(ping, 4, 2), "protocol version 2");
        assertRefused(with(ping, 5, 0x7F), "unknown frame kind 127");
        assertRefused(with(ping, 5, RpcKind.META_WATCH.tag()), "META_WATCH frames are reserved");
        assertRefused(with(ping, 5, RpcKind.OK.tag()), "where a request was expected");
        assertRefused(with(ping, 3, 0x0F), "frame says 15 bytes follow, 14 do");
        byte[] longer = Arrays.copyOf(ping, ping.length + 1);
        longer[3] = 15;
        assertRefused(longer, "1 unexpected bytes after a PING frame");
        byte[] huge = with(ping, 0, 0x04);
        assertRefused(huge, "exceeds 67108864");
        assertThatThrownBy(() -> RpcCodec.decodeResponse(ping, new RpcRequest.Ping()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("where a response was expected");
    }

    @Test
    void aPartitionsOwnWatchCannotTravel() {
        RpcRequest.ReadRound round = new RpcRequest.ReadRound(PARTITION, List.of(ITEM_KEY));
        io.basalt.partition.TransactionWatch local = new io.basalt.partition.TransactionWatch() {
        };
        assertThatThrownBy(() -> RpcCodec.encodeResponse(1, round, new RpcResponse.Ok(
                new io.basalt.partition.PartitionState.ReadRound(Arrays.asList(new byte[][] {null}),
                        List.of(io.basalt.partition.PartitionState.ReadState.HELD), local))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private interface Decoder {
        Object decode(byte[] frame);
    }

    /** Every proper prefix is refused, both as it is and with its length field saying what is left. */
    private static void assertEveryTruncationIsRefused(byte[] frame, Decoder decoder, long seed) {
        for (int cut = 0; cut < frame.length; cut++) {
            byte[] prefix = Arrays.copyOf(frame, cut);
            assertThatThrownBy(() -> decoder.decode(prefix)).as("cut at %d (seed %d)", cut, seed)
                    .isInstanceOf(IllegalStateException.class);
            if (cut >= 4) {
                int length = cut - 4;
                prefix[0] = (byte) (length >>> 24);
                prefix[1] = (byte) (length >>> 16);
                prefix[2] = (byte) (length >>> 8);
                prefix[3] = (byte) length;
                assertThatThrownBy(() -> decoder.decode(prefix)).as("cut at %d, length fixed (seed %d)", cut, seed)
                        .isInstanceOf(IllegalStateException.class);
            }
        }
    }

    private static byte[] with(byte[] frame, int position, int value) {
        byte[] changed = frame.clone();
        changed[position] = (byte) value;
        return changed;
    }

    private static void assertRefused(byte[] frame, String message) {
        assertThatThrownBy(() -> RpcCodec.decodeRequest(frame)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(message);
    }
}
