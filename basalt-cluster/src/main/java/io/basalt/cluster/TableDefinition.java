package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValues;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import java.util.List;
import java.util.Map;

/**
 * A validated CreateTable request; {@code tableClass} is null when the request named none; {@code indexes} are
 * its local and global secondary indexes, in request order (local first).
 */
public record TableDefinition(String name, KeySchema keySchema, List<KeyAttribute> attributeDefinitions,
        BillingMode billingMode, ProvisionedThroughput throughput, boolean deletionProtection, TableClass tableClass,
        Map<String, String> tags, List<IndexDefinition> indexes) {
    public TableDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(keySchema, "keySchema is null");
        attributeDefinitions = List.copyOf(attributeDefinitions);
        requireNonNull(billingMode, "billingMode is null");
        requireNonNull(throughput, "throughput is null");
        tags = AttributeValues.immutableOrderedMap(tags);
        indexes = List.copyOf(indexes);
    }
}
