package io.basalt.partition.codec;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of basalt-expressions' trees inside an encoded operation ({@link OperationCodec}). Each node is
 * a tag byte and its children in record-component order; names and placeholders are strings, values are
 * {@link ItemCodec} values, counts are varints.
 * <pre>
 *   condition  1 Comparison(operand, comparator, operand)  2 Between(operand, operand, operand)
 *              3 In(operand, varint count, operands)  4 And(condition, condition)  5 Or(condition, condition)
 *              6 Not(condition)  7 AttributeExists(path)  8 AttributeNotExists(path)
 *              9 AttributeTypeIs(operand, operand)  10 BeginsWith(operand, operand)  11 Contains(operand, operand)
 *   comparator 1 EQ  2 NE  3 LT  4 LE  5 GT  6 GE
 *   operand    1 Path(path)  2 ValuePlaceholder(string)  3 Literal(value, string)  4 Size(path)
 *              5 SizeOf(operand)  6 IfNotExists(path, operand)  7 ListAppend(operand, operand)
 *              8 Arithmetic(operand, u8 1 PLUS | 2 MINUS, operand)
 *   path       varint count, elements: 1 Name(string)  2 NamePlaceholder(string)  3 Index(varint)
 *   update     varint count + (path, operand) SET actions, varint count + REMOVE paths,
 *              varint count + (path, operand) ADD actions, varint count + (path, operand) DELETE actions
 * </pre>
 * Placeholders only occur in unbound trees, which operations never hold; they are encoded anyway so that any tree
 * round-trips. THE TAGS ARE PERSISTENT: never reorder, renumber or reuse one.
 */
final class ExpressionCodec {
    private static final int NO_CONDITION = 0;
    private static final int COMPARISON = 1;
    private static final int BETWEEN = 2;
    private static final int IN = 3;
    private static final int AND = 4;
    private static final int OR = 5;
    private static final int NOT = 6;
    private static final int ATTRIBUTE_EXISTS = 7;
    private static final int ATTRIBUTE_NOT_EXISTS = 8;
    private static final int ATTRIBUTE_TYPE_IS = 9;
    private static final int BEGINS_WITH = 10;
    private static final int CONTAINS = 11;

    private static final int PATH = 1;
    private static final int VALUE_PLACEHOLDER = 2;
    private static final int LITERAL = 3;
    private static final int SIZE = 4;
    private static final int SIZE_OF = 5;
    private static final int IF_NOT_EXISTS = 6;
    private static final int LIST_APPEND = 7;
    private static final int ARITHMETIC = 8;

    private static final int NAME = 1;
    private static final int NAME_PLACEHOLDER = 2;
    private static final int INDEX = 3;

    /**
     * Nesting beyond this is refused when reading, so a corrupt or hostile frame cannot exhaust the stack. A parsed
     * expression is at most 4 KB of text (DynamoDB's limit), far below this depth of nodes.
     */
    private static final int MAX_DEPTH = 4096;

    private ExpressionCodec() {
    }

    static void writeOptionalCondition(ByteWriter out, Condition condition) {
        if (condition == null) {
            out.writeByte(NO_CONDITION);
        } else {
            writeCondition(out, condition);
        }
    }

    static Condition readOptionalCondition(ByteReader in) {
        if (in.peekUnsignedByte() == NO_CONDITION) {
            in.readUnsignedByte();
            return null;
        }
        return readCondition(in, 0);
    }

    static void writeCondition(ByteWriter out, Condition condition) {
        if (condition instanceof Condition.Comparison comparison) {
            out.writeByte(COMPARISON);
            writeOperand(out, comparison.left());
            out.writeByte(switch (comparison.comparator()) {
                case EQ -> 1;
                case NE -> 2;
                case LT -> 3;
                case LE -> 4;
                case GT -> 5;
                case GE -> 6;
            });
            writeOperand(out, comparison.right());
        } else if (condition instanceof Condition.Between between) {
            out.writeByte(BETWEEN);
            writeOperand(out, between.value());
            writeOperand(out, between.low());
            writeOperand(out, between.high());
        } else if (condition instanceof Condition.In in) {
            out.writeByte(IN);
            writeOperand(out, in.value());
            out.writeVarInt(in.candidates().size());
            for (Operand candidate : in.candidates()) {
                writeOperand(out, candidate);
            }
        } else if (condition instanceof Condition.And and) {
            out.writeByte(AND);
            writeCondition(out, and.left());
            writeCondition(out, and.right());
        } else if (condition instanceof Condition.Or or) {
            out.writeByte(OR);
            writeCondition(out, or.left());
            writeCondition(out, or.right());
        } else if (condition instanceof Condition.Not not) {
            out.writeByte(NOT);
            writeCondition(out, not.condition());
        } else if (condition instanceof Condition.AttributeExists exists) {
            out.writeByte(ATTRIBUTE_EXISTS);
            writePath(out, exists.path());
        } else if (condition instanceof Condition.AttributeNotExists notExists) {
            out.writeByte(ATTRIBUTE_NOT_EXISTS);
            writePath(out, notExists.path());
        } else if (condition instanceof Condition.AttributeTypeIs typeIs) {
            out.writeByte(ATTRIBUTE_TYPE_IS);
            writeOperand(out, typeIs.value());
            writeOperand(out, typeIs.type());
        } else if (condition instanceof Condition.BeginsWith beginsWith) {
            out.writeByte(BEGINS_WITH);
            writeOperand(out, beginsWith.value());
            writeOperand(out, beginsWith.prefix());
        } else if (condition instanceof Condition.Contains contains) {
            out.writeByte(CONTAINS);
            writeOperand(out, contains.value());
            writeOperand(out, contains.operand());
        } else {
            throw new AssertionError("Condition is sealed: " + condition.getClass());
        }
    }

    private static Condition readCondition(ByteReader in, int depth) {
        checkDepth(depth);
        int tag = in.readUnsignedByte();
        int next = depth + 1;
        return switch (tag) {
            case COMPARISON -> new Condition.Comparison(readOperand(in, next), readComparator(in),
                    readOperand(in, next));
            case BETWEEN -> new Condition.Between(readOperand(in, next), readOperand(in, next), readOperand(in, next));
            case IN -> {
                Operand value = readOperand(in, next);
                int count = in.readLength();
                List<Operand> candidates = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    candidates.add(readOperand(in, next));
                }
                yield new Condition.In(value, candidates);
            }
            case AND -> new Condition.And(readCondition(in, next), readCondition(in, next));
            case OR -> new Condition.Or(readCondition(in, next), readCondition(in, next));
            case NOT -> new Condition.Not(readCondition(in, next));
            case ATTRIBUTE_EXISTS -> new Condition.AttributeExists(readPath(in));
            case ATTRIBUTE_NOT_EXISTS -> new Condition.AttributeNotExists(readPath(in));
            case ATTRIBUTE_TYPE_IS -> new Condition.AttributeTypeIs(readOperand(in, next), readOperand(in, next));
            case BEGINS_WITH -> new Condition.BeginsWith(readOperand(in, next), readOperand(in, next));
            case CONTAINS -> new Condition.Contains(readOperand(in, next), readOperand(in, next));
            default -> throw new IllegalStateException("unknown condition tag " + tag + " at " + (in.position() - 1));
        };
    }

    private static Condition.Comparator readComparator(ByteReader in) {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case 1 -> Condition.Comparator.EQ;
            case 2 -> Condition.Comparator.NE;
            case 3 -> Condition.Comparator.LT;
            case 4 -> Condition.Comparator.LE;
            case 5 -> Condition.Comparator.GT;
            case 6 -> Condition.Comparator.GE;
            default -> throw new IllegalStateException("unknown comparator tag " + tag + " at " + (in.position() - 1));
        };
    }

    static void writeOperand(ByteWriter out, Operand operand) {
        if (operand instanceof Operand.Path path) {
            out.writeByte(PATH);
            writePath(out, path.path());
        } else if (operand instanceof Operand.ValuePlaceholder placeholder) {
            out.writeByte(VALUE_PLACEHOLDER);
            ItemCodec.writeString(out, placeholder.placeholder());
        } else if (operand instanceof Operand.Literal literal) {
            out.writeByte(LITERAL);
            ItemCodec.writeValue(out, literal.value());
            ItemCodec.writeString(out, literal.placeholder());
        } else if (operand instanceof Operand.Size size) {
            out.writeByte(SIZE);
            writePath(out, size.path());
        } else if (operand instanceof Operand.SizeOf sizeOf) {
            out.writeByte(SIZE_OF);
            writeOperand(out, sizeOf.operand());
        } else if (operand instanceof Operand.IfNotExists ifNotExists) {
            out.writeByte(IF_NOT_EXISTS);
            writePath(out, ifNotExists.path());
            writeOperand(out, ifNotExists.fallback());
        } else if (operand instanceof Operand.ListAppend listAppend) {
            out.writeByte(LIST_APPEND);
            writeOperand(out, listAppend.first());
            writeOperand(out, listAppend.second());
        } else if (operand instanceof Operand.Arithmetic arithmetic) {
            out.writeByte(ARITHMETIC);
            writeOperand(out, arithmetic.left());
            out.writeByte(switch (arithmetic.operator()) {
                case PLUS -> 1;
                case MINUS -> 2;
            });
            writeOperand(out, arithmetic.right());
        } else {
            throw new AssertionError("Operand is sealed: " + operand.getClass());
        }
    }

    private static Operand readOperand(ByteReader in, int depth) {
        checkDepth(depth);
        int tag = in.readUnsignedByte();
        int next = depth + 1;
        try {
            return switch (tag) {
                case PATH -> new Operand.Path(readPath(in));
                case VALUE_PLACEHOLDER -> new Operand.ValuePlaceholder(ItemCodec.readString(in));
                case LITERAL -> new Operand.Literal(ItemCodec.readValue(in), ItemCodec.readString(in));
                case SIZE -> new Operand.Size(readPath(in));
                case SIZE_OF -> new Operand.SizeOf(readOperand(in, next));
                case IF_NOT_EXISTS -> new Operand.IfNotExists(readPath(in), readOperand(in, next));
                case LIST_APPEND -> new Operand.ListAppend(readOperand(in, next), readOperand(in, next));
                case ARITHMETIC -> new Operand.Arithmetic(readOperand(in, next), readArithmeticOperator(in),
                        readOperand(in, next));
                default -> throw new IllegalStateException("unknown operand tag " + tag + " at "
                        + (in.position() - 1));
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid operand: " + e.getMessage(), e);
        }
    }

    private static Operand.ArithmeticOperator readArithmeticOperator(ByteReader in) {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case 1 -> Operand.ArithmeticOperator.PLUS;
            case 2 -> Operand.ArithmeticOperator.MINUS;
            default -> throw new IllegalStateException("unknown arithmetic operator tag " + tag);
        };
    }

    static void writePath(ByteWriter out, DocumentPath path) {
        out.writeVarInt(path.size());
        for (PathElement element : path.elements()) {
            if (element instanceof PathElement.Name name) {
                out.writeByte(NAME);
                ItemCodec.writeString(out, name.name());
            } else if (element instanceof PathElement.NamePlaceholder placeholder) {
                out.writeByte(NAME_PLACEHOLDER);
                ItemCodec.writeString(out, placeholder.placeholder());
            } else if (element instanceof PathElement.Index index) {
                out.writeByte(INDEX);
                out.writeVarInt(index.index());
            } else {
                throw new AssertionError("PathElement is sealed: " + element.getClass());
            }
        }
    }

    static DocumentPath readPath(ByteReader in) {
        int count = in.readLength();
        List<PathElement> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int tag = in.readUnsignedByte();
            elements.add(switch (tag) {
                case NAME -> new PathElement.Name(ItemCodec.readString(in));
                case NAME_PLACEHOLDER -> readNamePlaceholder(in);
                case INDEX -> readIndex(in);
                default -> throw new IllegalStateException("unknown path element tag " + tag + " at "
                        + (in.position() - 1));
            });
        }
        try {
            return new DocumentPath(elements);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid document path: " + e.getMessage(), e);
        }
    }

    private static PathElement readNamePlaceholder(ByteReader in) {
        String placeholder = ItemCodec.readString(in);
        if (!placeholder.startsWith("#")) {
            throw new IllegalStateException("name placeholder " + placeholder + " does not start with '#'");
        }
        return new PathElement.NamePlaceholder(placeholder);
    }

    private static PathElement readIndex(ByteReader in) {
        int index = in.readVarInt();
        if (index < 0) {
            throw new IllegalStateException("negative list index " + index);
        }
        return new PathElement.Index(index);
    }

    static void writeUpdate(ByteWriter out, UpdateExpression update) {
        out.writeVarInt(update.set().size());
        for (UpdateExpression.SetAction action : update.set()) {
            writePath(out, action.path());
            writeOperand(out, action.value());
        }
        out.writeVarInt(update.remove().size());
        for (DocumentPath path : update.remove()) {
            writePath(out, path);
        }
        out.writeVarInt(update.add().size());
        for (UpdateExpression.AddAction action : update.add()) {
            writePath(out, action.path());
            writeOperand(out, action.value());
        }
        out.writeVarInt(update.delete().size());
        for (UpdateExpression.DeleteAction action : update.delete()) {
            writePath(out, action.path());
            writeOperand(out, action.value());
        }
    }

    static UpdateExpression readUpdate(ByteReader in) {
        int setCount = in.readLength();
        List<UpdateExpression.SetAction> set = new ArrayList<>(setCount);
        for (int i = 0; i < setCount; i++) {
            set.add(new UpdateExpression.SetAction(readPath(in), readOperand(in, 0)));
        }
        int removeCount = in.readLength();
        List<DocumentPath> remove = new ArrayList<>(removeCount);
        for (int i = 0; i < removeCount; i++) {
            remove.add(readPath(in));
        }
        int addCount = in.readLength();
        List<UpdateExpression.AddAction> add = new ArrayList<>(addCount);
        for (int i = 0; i < addCount; i++) {
            add.add(new UpdateExpression.AddAction(readPath(in), readOperand(in, 0)));
        }
        int deleteCount = in.readLength();
        List<UpdateExpression.DeleteAction> delete = new ArrayList<>(deleteCount);
        for (int i = 0; i < deleteCount; i++) {
            delete.add(new UpdateExpression.DeleteAction(readPath(in), readOperand(in, 0)));
        }
        return new UpdateExpression(set, remove, add, delete);
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("expression nested deeper than " + MAX_DEPTH);
        }
    }
}
