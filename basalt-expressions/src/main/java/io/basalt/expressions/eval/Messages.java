package io.basalt.expressions.eval;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;

/** DynamoDB's error texts for expression evaluation; sources in docs/design/expression-semantics.md. */
final class Messages {
    static final String INVALID_PATH_FOR_UPDATE = "The document path provided in the update expression is invalid "
            + "for update";
    static final String INCORRECT_DATA_TYPE = "An operand in the update expression has an incorrect data type";
    static final String MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist "
            + "in the item";
    /** The valid-types list as dynalite recorded it from DynamoDB (order included). */
    static final String VALID_TYPES = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}";
    /** What dynalite reports as the "type" of a path given where attribute_type wants a value. */
    static final String ANY_TYPE = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}";

    private Messages() {
    }

    static BasaltException invalid(String kindName, String message) {
        return BasaltException.validation("Invalid " + kindName + ": " + message);
    }

    static String incorrectOperandType(String operator, String typeName) {
        return "Incorrect operand type for operator or function; operator or function: " + operator
                + ", operand type: " + typeName;
    }

    /** ADD / DELETE use the long type names and name the allowed type set. */
    static String incorrectActionOperandType(String action, AttributeType type) {
        return "Incorrect operand type for operator or function; operator: " + action + ", operand type: "
                + longTypeName(type) + ", typeSet: ALLOWED_FOR_" + action + "_OPERAND";
    }

    static String longTypeName(AttributeType type) {
        switch (type) {
            case S:
                return "STRING";
            case N:
                return "NUMBER";
            case B:
                return "BINARY";
            case BOOL:
                return "BOOLEAN";
            case NULL:
                return "NULL";
            case L:
                return "LIST";
            case M:
                return "MAP";
            case SS:
                return "STRING_SET";
            case NS:
                return "NUMBER_SET";
            case BS:
                return "BINARY_SET";
        }
        throw new AssertionError(type);
    }

    /** A path as DynamoDB prints it in overlap and conflict messages: {@code [a, b, [0]]}. */
    static String render(DocumentPath path) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < path.elements().size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            PathElement element = path.elements().get(i);
            text.append(element);
        }
        return text.append(']').toString();
    }

    /** A BETWEEN bound as DynamoDB echoes it: {@code AttributeValue: {N:5}}, binaries in base64. */
    static String renderBound(AttributeValue value) {
        String text;
        if (value instanceof AttributeValue.StringValue s) {
            text = s.value();
        } else if (value instanceof AttributeValue.NumberValue n) {
            text = n.value().toString();
        } else if (value instanceof AttributeValue.BinaryValue b) {
            text = b.value().toBase64();
        } else {
            text = String.valueOf(value);
        }
        return "AttributeValue: {" + value.type().descriptor() + ":" + text + "}";
    }
}
