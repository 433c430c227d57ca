package io.basalt.compat.indexes;

import io.basalt.compat.CompatTestSupport;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

/** Builders shared by the index tests. */
abstract class IndexTestSupport extends CompatTestSupport {
    static final String INVALID = "One or more parameter values were invalid: ";

    static AttributeDefinition def(String name, String type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType("HASH").build();
    }

    static KeySchemaElement range(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType("RANGE").build();
    }

    /** A projection; {@code type} null leaves ProjectionType out. */
    static Projection projection(ProjectionType type, String... nonKeyAttributes) {
        Projection.Builder builder = Projection.builder().projectionType(type);
        if (nonKeyAttributes.length > 0) {
            builder.nonKeyAttributes(nonKeyAttributes);
        }
        return builder.build();
    }

    static LocalSecondaryIndex lsi(String name, String sortKey, Projection projection) {
        return LocalSecondaryIndex.builder().indexName(name).keySchema(hash("pk"), range(sortKey))
                .projection(projection).build();
    }

    /** A global index without throughput (for on-demand tables). */
    static GlobalSecondaryIndex gsi(String name, List<KeySchemaElement> keys, Projection projection) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(keys).projection(projection).build();
    }

    static GlobalSecondaryIndex gsi(String name, List<KeySchemaElement> keys, Projection projection, long read,
            long write) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(keys).projection(projection)
                .provisionedThroughput(t -> t.readCapacityUnits(read).writeCapacityUnits(write)).build();
    }
}
