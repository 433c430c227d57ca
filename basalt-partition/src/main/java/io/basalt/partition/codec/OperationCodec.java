package io.basalt.partition.codec;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.model.AttributeValue;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.ConditionCheckOperation;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.ExpressionItemUpdate;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.ItemUpdate;
import io.basalt.partition.LegacyItemUpdate;
import io.basalt.partition.NoItemUpdate;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.ReplaceItemOperation;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The binary form of an {@link ItemOperation}: what a node sends to a partition's leader (docs/design/cluster.md
 * §8.2). Values, items and names use {@link ItemCodec}'s stored forms; expression trees are written by
 * {@link ExpressionCodec}.
 * <pre>
 *   u8 format (= 1)   u8 operation tag   key   body
 *   key:   u8 (0 = partition key only, 1 = with sort key), value, [value]
 *   1 PUT               condition, item
 *   2 UPDATE            condition, key item, update
 *   3 DELETE            condition
 *   4 CONDITION_CHECK   condition (never absent)
 *   5 REPLACE           u8 (0 = absent, 1 = present), [item]
 *   condition: u8 0 for none, else a condition tree ({@link ExpressionCodec})
 *   update: u8 1 NONE | 2 EXPRESSION, update expression | 3 EXPRESSION sized by its statement, update expression
 *           | 4 LEGACY, varint count, (name, u8 1 PUT | 2 ADD | 3 DELETE, u8 0/1 value present, [value]) each
 * </pre>
 * THE TAGS ARE PERSISTENT: never reorder, renumber or reuse one; a new subtype gets a new number.
 */
public final class OperationCodec {
    /** The format this build writes, and the newest it reads. */
    public static final int VERSION = 1;

    private static final int PUT = 1;
    private static final int UPDATE = 2;
    private static final int DELETE = 3;
    private static final int CONDITION_CHECK = 4;
    private static final int REPLACE = 5;

    private static final int UPDATE_NONE = 1;
    private static final int UPDATE_EXPRESSION = 2;
    private static final int UPDATE_EXPRESSION_SIZED_BY_STATEMENT = 3;
    private static final int UPDATE_LEGACY = 4;

    private static final int LEGACY_PUT = 1;
    private static final int LEGACY_ADD = 2;
    private static final int LEGACY_DELETE = 3;

    private OperationCodec() {
    }

    public static byte[] encode(ItemOperation operation) {
        ByteWriter out = new ByteWriter(256);
        encode(out, operation);
        return out.toByteArray();
    }

    /** Appends the encoding of {@code operation} to {@code out}. */
    public static void encode(ByteWriter out, ItemOperation operation) {
        requireNonNull(operation, "operation is null");
        out.writeByte(VERSION);
        if (operation instanceof PutItemOperation put) {
            writeHead(out, PUT, put);
            ItemCodec.encode(out, put.item());
        } else if (operation instanceof UpdateItemOperation update) {
            writeHead(out, UPDATE, update);
            ItemCodec.encode(out, update.keyItem());
            writeUpdate(out, update.update());
        } else if (operation instanceof DeleteItemOperation delete) {
            writeHead(out, DELETE, delete);
        } else if (operation instanceof ConditionCheckOperation check) {
            writeHead(out, CONDITION_CHECK, check);
        } else if (operation instanceof ReplaceItemOperation replace) {
            writeHead(out, REPLACE, replace);
            out.writeByte(replace.image() == null ? 0 : 1);
            if (replace.image() != null) {
                ItemCodec.encode(out, replace.image());
            }
        } else {
            throw new AssertionError("ItemOperation is sealed: " + operation.getClass());
        }
    }

    /** @throws IllegalStateException when the bytes are corrupt, truncated, too long or from a newer format */
    public static ItemOperation decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        ItemOperation operation = decode(in);
        if (in.remaining() != 0) {
            throw new IllegalStateException(in.remaining() + " unexpected bytes after the operation");
        }
        return operation;
    }

    /** Reads one operation from the middle of a larger encoding (a frame), leaving {@code in} after it. */
    public static ItemOperation decode(ByteReader in) {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IllegalStateException(version > VERSION
                    ? "operation encoded in format version " + version + ", newer than this build reads (" + VERSION
                            + ")"
                    : "operation encoded in unknown format version " + version);
        }
        int tag = in.readUnsignedByte();
        PrimaryKey key = readKey(in);
        Condition condition = ExpressionCodec.readOptionalCondition(in);
        return switch (tag) {
            case PUT -> new PutItemOperation(key, ItemCodec.decode(in), condition);
            case UPDATE -> new UpdateItemOperation(key, ItemCodec.decode(in), readUpdate(in), condition);
            case DELETE -> new DeleteItemOperation(key, condition);
            case CONDITION_CHECK -> {
                if (condition == null) {
                    throw new IllegalStateException("a condition check without a condition");
                }
                yield new ConditionCheckOperation(key, condition);
            }
            case REPLACE -> {
                if (condition != null) {
                    throw new IllegalStateException("a replacement with a condition");
                }
                yield new ReplaceItemOperation(key, readFlag(in) ? ItemCodec.decode(in) : null);
            }
            default -> throw new IllegalStateException("unknown operation tag " + tag);
        };
    }

    private static void writeHead(ByteWriter out, int tag, ItemOperation operation) {
        out.writeByte(tag);
        PrimaryKey key = operation.key();
        out.writeByte(key.sortValue().isPresent() ? 1 : 0);
        ItemCodec.writeValue(out, key.partitionValue());
        key.sortValue().ifPresent(sort -> ItemCodec.writeValue(out, sort));
        ExpressionCodec.writeOptionalCondition(out, operation.condition());
    }

    private static PrimaryKey readKey(ByteReader in) {
        boolean hasSort = readFlag(in);
        AttributeValue partition = ItemCodec.readValue(in);
        return new PrimaryKey(partition, hasSort ? Optional.of(ItemCodec.readValue(in)) : Optional.empty());
    }

    private static void writeUpdate(ByteWriter out, ItemUpdate update) {
        if (update instanceof NoItemUpdate) {
            out.writeByte(UPDATE_NONE);
        } else if (update instanceof ExpressionItemUpdate expression) {
            out.writeByte(expression.isSizedByStatement() ? UPDATE_EXPRESSION_SIZED_BY_STATEMENT : UPDATE_EXPRESSION);
            ExpressionCodec.writeUpdate(out, expression.expression());
        } else if (update instanceof LegacyItemUpdate legacy) {
            out.writeByte(UPDATE_LEGACY);
            List<LegacyUpdate.Action> actions = legacy.update().actions();
            out.writeVarInt(actions.size());
            for (LegacyUpdate.Action action : actions) {
                ItemCodec.writeString(out, action.attribute());
                out.writeByte(switch (action.kind()) {
                    case PUT -> LEGACY_PUT;
                    case ADD -> LEGACY_ADD;
                    case DELETE -> LEGACY_DELETE;
                });
                out.writeByte(action.value() == null ? 0 : 1);
                if (action.value() != null) {
                    ItemCodec.writeValue(out, action.value());
                }
            }
        } else {
            throw new AssertionError("ItemUpdate is sealed: " + update.getClass());
        }
    }

    private static ItemUpdate readUpdate(ByteReader in) {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            // Not NoItemUpdate.INSTANCE: that constant is null when NoItemUpdate happens to be initialised first.
            case UPDATE_NONE -> NoItemUpdate.INSTANCE;
            case UPDATE_EXPRESSION -> ExpressionItemUpdate.sizedByItem(ExpressionCodec.readUpdate(in));
            case UPDATE_EXPRESSION_SIZED_BY_STATEMENT ->
                    ExpressionItemUpdate.sizedByStatement(ExpressionCodec.readUpdate(in));
            case UPDATE_LEGACY -> {
                int count = in.readLength();
                List<LegacyUpdate.Action> actions = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    String attribute = ItemCodec.readString(in);
                    int kindTag = in.readUnsignedByte();
                    LegacyUpdate.Kind kind = switch (kindTag) {
                        case LEGACY_PUT -> LegacyUpdate.Kind.PUT;
                        case LEGACY_ADD -> LegacyUpdate.Kind.ADD;
                        case LEGACY_DELETE -> LegacyUpdate.Kind.DELETE;
                        default -> throw new IllegalStateException("unknown legacy action tag " + kindTag);
                    };
                    AttributeValue value = readFlag(in) ? ItemCodec.readValue(in) : null;
                    try {
                        actions.add(new LegacyUpdate.Action(attribute, kind, value));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException("invalid legacy action: " + e.getMessage(), e);
                    }
                }
                yield new LegacyItemUpdate(new LegacyUpdate(actions));
            }
            default -> throw new IllegalStateException("unknown update tag " + tag);
        };
    }

    static boolean readFlag(ByteReader in) {
        int flag = in.readUnsignedByte();
        if (flag > 1) {
            throw new IllegalStateException("flag byte " + flag + " is neither 0 nor 1");
        }
        return flag == 1;
    }
}
