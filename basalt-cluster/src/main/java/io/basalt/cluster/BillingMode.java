package io.basalt.cluster;

/** A table's capacity mode. */
public enum BillingMode {
    PROVISIONED, PAY_PER_REQUEST
}
