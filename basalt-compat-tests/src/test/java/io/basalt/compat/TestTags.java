package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/** TagResource, UntagResource and ListTagsOfResource. */
class TestTags extends CompatTestSupport {
    private String table;
    private String arn;

    @BeforeAll
    void createTable() {
        table = hashTable();
        arn = client.describeTable(b -> b.tableName(table)).table().tableArn();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private List<String> tagsOf(String resource) {
        return client.listTagsOfResource(b -> b.resourceArn(resource)).tags().stream()
                .map(t -> t.key() + "=" + t.value()).toList();
    }

    @Test
    void tagListAndUntag() {
        String name = hashTable();
        String resource = client.describeTable(b -> b.tableName(name)).table().tableArn();
        assertThat(client.listTagsOfResource(b -> b.resourceArn(resource)).hasTags()).isTrue();
        assertThat(tagsOf(resource)).isEmpty();
        client.tagResource(b -> b.resourceArn(resource).tags(tag("a", "1"), tag("b", "2"), tag("Empty", "")));
        assertThat(tagsOf(resource)).containsExactlyInAnyOrder("a=1", "b=2", "Empty=");
        client.tagResource(b -> b.resourceArn(resource).tags(tag("a", "one")));
        assertThat(tagsOf(resource)).containsExactlyInAnyOrder("a=one", "b=2", "Empty=");
        client.untagResource(b -> b.resourceArn(resource).tagKeys("b", "not-there"));
        assertThat(tagsOf(resource)).containsExactlyInAnyOrder("a=one", "Empty=");
        // Keys are case-sensitive.
        client.untagResource(b -> b.resourceArn(resource).tagKeys("A", "empty"));
        assertThat(tagsOf(resource)).containsExactlyInAnyOrder("a=one", "Empty=");
    }

    @Test
    void tagsGivenAtCreation() {
        String name = uniqueName("tagged");
        client.createTable(b -> b.tableName(name)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType("S").build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .tags(tag("env", "test"), tag("team", "db")));
        track(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        String resource = client.describeTable(b -> b.tableName(name)).table().tableArn();
        assertThat(tagsOf(resource)).containsExactlyInAnyOrder("env=test", "team=db");
    }

    @Test
    void arnErrors() {
        String invalid = "One or more parameter values were invalid: ";
        assertValidation("Invalid TableArn", () -> client.listTagsOfResource(b -> { }));
        assertValidation("Invalid TableArn", () -> client.tagResource(b -> b.tags(tag("a", "b"))));
        assertValidation("Invalid TableArn", () -> client.untagResource(b -> b.tagKeys("a")));
        assertValidation(invalid + "ARNs must start with 'arn:': abcd",
                () -> client.listTagsOfResource(b -> b.resourceArn("abcd")));
        assertValidation(invalid + "Provided Arn is not a DynamoDB resource arn: arn:aws:s3:::bucket",
                () -> client.listTagsOfResource(b -> b.resourceArn("arn:aws:s3:::bucket")));
        assertValidation(invalid + "Invalid resource arn provided, only table or stream is accepted. Provided "
                + "resource arn: " + arn + "/index/gsi",
                () -> client.tagResource(b -> b.resourceArn(arn + "/index/gsi").tags(tag("a", "b"))));
        String otherRegion = arn.replace("us-east-1", "eu-west-1");
        assertValidation("Invalid TableArn: Invalid ResourceArn provided as input " + otherRegion,
                () -> client.listTagsOfResource(b -> b.resourceArn(otherRegion)));
        String shortName = arn.replace(table, "ab");
        assertValidation("Invalid TableArn: Invalid ResourceArn provided as input " + shortName,
                () -> client.listTagsOfResource(b -> b.resourceArn(shortName)));
        String missing = arn.replace(table, uniqueName("gone"));
        assertNotFound("Requested resource not found: ResourcArn: " + missing + " not found",
                () -> client.listTagsOfResource(b -> b.resourceArn(missing)));
        assertNotFound("Requested resource not found: ResourcArn: " + missing + " not found",
                () -> client.tagResource(b -> b.resourceArn(missing).tags(tag("a", "b"))));
        assertNotFound("Requested resource not found: ResourcArn: " + missing + " not found",
                () -> client.untagResource(b -> b.resourceArn(missing).tagKeys("a")));
    }

    @Test
    void emptyTagLists() {
        assertValidation("Atleast one Tag needs to be provided as Input.",
                () -> client.tagResource(b -> b.resourceArn(arn).tags(new ArrayList<>())));
        assertValidation("Atleast one Tag Key needs to be provided as Input.",
                () -> client.untagResource(b -> b.resourceArn(arn).tagKeys(new ArrayList<String>())));
        assertValidation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must "
                + "not be null", () -> client.tagResource(b -> b.resourceArn(arn)));
    }

    @Test
    void tagContentRules() {
        assertValidation("Tag Key cannot be prefixed with aws:, Key: aws:x",
                () -> client.tagResource(b -> b.resourceArn(arn).tags(tag("aws:x", "v"))));
        assertValidation("The Tag Key provided is invalid, Key: a!b",
                () -> client.tagResource(b -> b.resourceArn(arn).tags(tag("a!b", "v"))));
        assertValidation("The Tag Value provided is invalid, Value: v#",
                () -> client.tagResource(b -> b.resourceArn(arn).tags(tag("k", "v#"))));
        assertValidation("Duplicate Tag Keys provided as input: Duplicate Tag Key found k",
                () -> client.tagResource(b -> b.resourceArn(arn).tags(tag("k", "1"), tag("k", "2"))));
        String longKey = repeat('k', 129);
        assertValidation("1 validation error detected: Value '" + longKey + "' at 'tags.1.member.key' failed to "
                + "satisfy constraint: Member must have length less than or equal to 128",
                () -> client.tagResource(b -> b.resourceArn(arn).tags(tag(longKey, "v"))));
        String longValue = repeat('v', 257);
        assertValidation("1 validation error detected: Value '" + longValue + "' at 'tags.1.member.value' failed "
                + "to satisfy constraint: Member must have length less than or equal to 256",
                () -> client.tagResource(b -> b.resourceArn(arn).tags(tag("k", longValue))));
        // Allowed: letters in any language, digits, spaces and _ . : / = + - @, at the maximum lengths.
        client.tagResource(b -> b.resourceArn(arn).tags(tag("ключ _.:/=+-@ 1", "wert é"),
                tag(repeat('k', 128), repeat('v', 256))));
        assertThat(tagsOf(arn)).contains("ключ _.:/=+-@ 1=wert é");
        assertThat(tagsOf(arn)).noneMatch(t -> t.startsWith("aws:") || t.startsWith("a!b"));
    }

    @Test
    void atMostFiftyTags() {
        String name = hashTable();
        String resource = client.describeTable(b -> b.tableName(name)).table().tableArn();
        List<Tag> thirty = new ArrayList<>();
        List<Tag> twenty = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            thirty.add(tag("first" + i, "v"));
        }
        for (int i = 0; i < 20; i++) {
            twenty.add(tag("second" + i, "v"));
        }
        client.tagResource(b -> b.resourceArn(resource).tags(thirty));
        client.tagResource(b -> b.resourceArn(resource).tags(twenty));
        assertThat(tagsOf(resource)).hasSize(50);
        // Replacing an existing key does not add one.
        client.tagResource(b -> b.resourceArn(resource).tags(tag("first0", "w")));
        assertValidation("Number of Tags exceed the current limit for the provided ResourceArn",
                () -> client.tagResource(b -> b.resourceArn(resource).tags(tag("one-more", "v"))));
        assertThat(tagsOf(resource)).hasSize(50).contains("first0=w").doesNotContain("one-more=v");
    }
}
