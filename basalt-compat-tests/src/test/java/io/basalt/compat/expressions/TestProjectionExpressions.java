package io.basalt.compat.expressions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/** ProjectionExpression and AttributesToGet on GetItem. */
class TestProjectionExpressions extends ExpressionTestSupport {
    private static final String OVERLAP = "Invalid ProjectionExpression: Two document paths overlap with each other; "
            + "must remove or rewrite one of these paths; path one: ";
    private static final String CONFLICT = "Invalid ProjectionExpression: Two document paths conflict with each "
            + "other; must remove or rewrite one of these paths; path one: ";

    private static final AttributeValue A = map("b", list(num("2"), num("4"), map("x", str("hi"), "y", str("yo"))),
            "c", num("5"));
    private static final Map<String, AttributeValue> STORED = item("pk", str("proj"), "a", A, "b", str("hello"),
            "a.b", str("dotted"), "l", list(list(num("10"), num("20")), str("s")), "size", num("1"));

    private String table;
    private String rangeTable;

    @BeforeAll
    void createTables() {
        table = hashTable();
        rangeTable = hashRangeTable();
        put(table, STORED);
    }

    private static Arguments p(String projection, Map<String, AttributeValue> expected) {
        return Arguments.of(projection, expected);
    }

    static Stream<Arguments> projections() {
        return Stream.of(
                p("a", item("a", A)), p("b", item("b", str("hello"))), p("pk", item("pk", str("proj"))),
                p("a, pk", item("a", A, "pk", str("proj"))), p(" a  ,   b  ", item("a", A, "b", str("hello"))),
                p("a.b", item("a", map("b", A.m().get("b")))),
                p("a.b[0]", item("a", map("b", list(num("2"))))),
                p("a.b[2]", item("a", map("b", list(map("x", str("hi"), "y", str("yo")))))),
                p("a.b[2].y", item("a", map("b", list(map("y", str("yo")))))),
                p("a.b[0], a.b[1]", item("a", map("b", list(num("2"), num("4"))))),
                p("a.b[2], a.b[0]", item("a", map("b", list(num("2"), map("x", str("hi"), "y", str("yo")))))),
                p("a.b[0], a.c", item("a", map("b", list(num("2")), "c", num("5")))),
                p("a.c, b", item("a", map("c", num("5")), "b", str("hello"))),
                p("a.b[2].x, a.b[2].y", item("a", map("b", list(map("x", str("hi"), "y", str("yo")))))),
                p("l[0][1]", item("l", list(list(num("20"))))),
                p("l[1], l[0][0]", item("l", list(list(num("10")), str("s")))),
                p("#n", item("a.b", str("dotted"))), p("#a.#b", item("a", map("b", A.m().get("b")))),
                p("#s", item("size", num("1"))),
                // Missing or mistyped paths contribute nothing.
                p("x", item()), p("a.b[3]", item()), p("a.x", item()), p("a.x.y", item()), p("a.b[3].x", item()),
                p("a.b.x", item()), p("a[0]", item()), p("a.b[0].x", item()), p("a.b[0][0]", item()),
                p("b.c", item()), p("l[0].x", item()),
                p("a.x, a.b[0], x, a.b[3].x", item("a", map("b", list(num("2"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("projections")
    void projection(String projection, Map<String, AttributeValue> expected) {
        Map<String, String> names = switch (projection) {
            case "#n" -> names("#n", "a.b");
            case "#a.#b" -> names("#a", "a", "#b", "b");
            case "#s" -> names("#s", "size");
            default -> null;
        };
        GetItemResponse response = client.getItem(b -> b.tableName(table).key(item("pk", str("proj")))
                .projectionExpression(projection).expressionAttributeNames(names).consistentRead(true));
        assertThat(response.hasItem()).isTrue();
        assertThat(response.item()).isEqualTo(expected);
    }

    @Test
    void projectionOfAnAbsentItemReturnsNoItem() {
        GetItemResponse response = client.getItem(b -> b.tableName(table).key(item("pk", str("nothing")))
                .projectionExpression("a"));
        assertThat(response.hasItem()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a, a", "a.b, a.b", "a[1], a[1]", "a, a.b", "a.b, a", "a.b, a.b[2]", "a.b, a.b.c",
        "a, a.b[2].c", "a.b.d, a.b", "a.b.d.e, a.b", "a.b, a.b.d", "a.b, a.b.d.e", "x, y, x"})
    void overlappingPaths(String projection) {
        String[] paths = projection.split(", ");
        String first = paths[0];
        String second = paths.length == 3 ? paths[2] : paths[1];
        assertValidation(OVERLAP + render(first) + ", path two: " + render(second),
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("proj")))
                        .projectionExpression(projection)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a, b", "a.b, a.c", "a.b.d, a.b.e", "a[1], a[2]", "a.b, a.c[2]", "a[1].b, a[1].c"})
    void nonOverlappingPaths(String projection) {
        client.getItem(b -> b.tableName(table).key(item("pk", str("proj"))).projectionExpression(projection));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b, a[1]", "a[1], a.b", "a.b[1], a.b.c", "a.b.c, a.b[1].d", "x.y[1], x.y.z"})
    void conflictingPaths(String projection) {
        String[] paths = projection.split(", ");
        assertValidation(CONFLICT + render(paths[0]) + ", path two: " + render(paths[1]),
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("proj")))
                        .projectionExpression(projection)));
    }

    /** DynamoDB's rendering of a path in overlap messages: {@code a.b[2]} is {@code [a, b, [2]]}. */
    private static String render(String path) {
        return "[" + String.join(", ", path.replace("[", ".[").split("\\.")) + "]";
    }

    @Test
    void attributesToGet() {
        GetItemResponse response = client.getItem(b -> b.tableName(table).key(item("pk", str("proj")))
                .attributesToGet("b", "a.b", "missing", "pk").consistentRead(true));
        assertThat(response.item()).isEqualTo(item("b", str("hello"), "a.b", str("dotted"), "pk", str("proj")));
        GetItemResponse none = client.getItem(b -> b.tableName(table).key(item("pk", str("proj")))
                .attributesToGet("missing"));
        assertThat(none.item()).isEmpty();
        assertValidation("One or more parameter values were invalid: Duplicate value in attribute name: b",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("proj"))).attributesToGet("b", "b")));
        assertValidation("1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
                + "constraint: Member must have length greater than or equal to 1",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("proj")))
                        .attributesToGet(List.of())));
    }

    @Test
    void mixingAttributesToGetAndProjection() {
        assertValidation("Can not use both expression and non-expression parameters in the same request: "
                + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("proj"))).attributesToGet("a")
                        .projectionExpression("b")));
        assertValidation("ExpressionAttributeNames can only be specified when using expressions",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("proj"))).attributesToGet("a")
                        .expressionAttributeNames(names("#a", "a"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pk.x", "pk[0]", "a, pk.x.y", "sk[1]", "#k.x"})
    void keyAttributeSubPaths(String projection) {
        String key = projection.contains("sk") ? "sk" : "pk";
        Map<String, String> names = projection.contains("#k") ? names("#k", "pk") : null;
        assertValidation("Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
                + "allowed: Key: " + key, () -> client.getItem(b -> b.tableName(rangeTable)
                        .key(item("pk", str("x"), "sk", num("1"))).projectionExpression(projection)
                        .expressionAttributeNames(names)));
    }
}
