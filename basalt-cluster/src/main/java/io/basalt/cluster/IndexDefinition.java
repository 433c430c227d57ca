package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.KeyAttribute;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import java.util.List;

/**
 * A validated secondary index of a CreateTable or UpdateTable request, before the node gives it a storage id.
 *
 * @param throughput the index's own provisioned throughput: global indexes of provisioned tables only,
 *     {@link ProvisionedThroughput#NONE} otherwise
 */
public record IndexDefinition(String name, boolean global, List<KeyAttribute> partitionKeys,
        List<KeyAttribute> sortKeys, Projection projection, ProvisionedThroughput throughput) {
    public IndexDefinition {
        requireNonNull(name, "name is null");
        partitionKeys = List.copyOf(partitionKeys);
        sortKeys = List.copyOf(sortKeys);
        requireNonNull(projection, "projection is null");
        requireNonNull(throughput, "throughput is null");
    }

    SecondaryIndex withId(int id) {
        return new SecondaryIndex(name, id, global, partitionKeys, sortKeys, projection);
    }
}
