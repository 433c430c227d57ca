package io.basalt.cluster;

/** A table's storage class (affects only pricing in DynamoDB; reported faithfully). */
public enum TableClass {
    STANDARD, STANDARD_INFREQUENT_ACCESS
}
