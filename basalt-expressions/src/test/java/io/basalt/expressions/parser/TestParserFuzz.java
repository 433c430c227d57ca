package io.basalt.expressions.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random texts and random mutations of valid expressions: the parser returns a tree or throws a VALIDATION
 * {@link BasaltException}, never anything else, and never hangs. The seed is printed in every failure.
 */
class TestParserFuzz {
    private static final List<String> SEEDS = List.of(
            "a = :v AND NOT b <> :w OR attribute_exists(c.d[1])",
            "(#p BETWEEN :lo AND :hi) AND (#c IN (:a, :b, :c))",
            "begins_with(a, :p) AND contains(b, :x) AND size(c) > :n AND attribute_type(d, :t)",
            "SET a = if_not_exists(a, :z) + :one, l = list_append(l, :v) REMOVE x[2], y.z ADD s :s DELETE t :t",
            "SET a = (b - :c), #n.m = :v",
            "a, b.c[1], #d[0][1].e",
            "((a = :v) OR (b = :w)) AND attribute_not_exists(#k)");
    private static final String ALPHABET = "abcxyzAND OR NOT BETWEEN IN SET REMOVE ADD DELETE size contains "
            + "if_not_exists list_append attribute_exists #:._[]()=<>+-,0123456789 \t\n!\"*/é$";

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void randomTextsOnlyEverFailWithValidationErrors() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 4000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            check(seed, text.toString());
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void mutationsOfValidExpressionsOnlyEverFailWithValidationErrors() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 6000; i++) {
            StringBuilder text = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations && text.length() > 0; m++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(4)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    case 2 -> text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    default -> {
                        int end = Math.min(text.length(), at + random.nextInt(8));
                        text.insert(random.nextInt(text.length()), text.substring(at, end));
                    }
                }
            }
            check(seed, text.toString());
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void deeplyNestedAndLongTextsStayBounded() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            int depth = random.nextInt(3000);
            String open = random.nextBoolean() ? "(" : "NOT (";
            String text = open.repeat(depth) + "a = :v" + ")".repeat(random.nextInt(depth + 1));
            check(seed, text);
            check(seed, "SET a = " + "list_append(".repeat(depth % 400) + ":v" + ", :w)".repeat(depth % 400));
            check(seed, "a" + ".b".repeat(depth % 60) + "[1]".repeat(depth % 5));
        }
    }

    private static void check(long seed, String text) {
        for (ExpressionKind kind : ExpressionKind.values()) {
            try {
                assertThat(ParserAssertions.parse(kind, text)).as("seed %d, %s %s", seed, kind, text).isNotNull();
            } catch (BasaltException e) {
                assertThat(e.code()).as("seed %d, %s %s", seed, kind, text).isEqualTo(ErrorCode.VALIDATION);
                assertThat(e.getMessage()).as("seed %d, %s %s", seed, kind, text)
                        .startsWith("Invalid " + kind.parameterName() + ": ");
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("seed " + seed + ", " + kind + " " + text + ": " + e, e);
            }
        }
    }
}
