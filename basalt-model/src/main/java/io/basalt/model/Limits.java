package io.basalt.model;

/**
 * DynamoDB's service limits, in one place (Developer Guide, "Service, account, and table quotas").
 */
public final class Limits {
    private Limits() {
    }

    /** Maximum item size, attribute names and values included. */
    public static final int MAX_ITEM_SIZE_BYTES = 400 * 1024;
    /** Maximum size of a partition key value. */
    public static final int MAX_PARTITION_KEY_BYTES = 2048;
    /** Maximum size of a sort key value. */
    public static final int MAX_SORT_KEY_BYTES = 1024;
    /** Maximum nesting depth of lists and maps in an attribute value. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Table and index names: 3 to 255 characters of [a-zA-Z0-9_.-]. */
    public static final int MIN_TABLE_NAME_LENGTH = 3;
    public static final int MAX_TABLE_NAME_LENGTH = 255;
    /** Attribute names of key attributes: 1 to 255 bytes. */
    public static final int MAX_KEY_ATTRIBUTE_NAME_BYTES = 255;
    /** Any attribute name: at most 64 KB. */
    public static final int MAX_ATTRIBUTE_NAME_BYTES = 65535;
    /** ListTables page size. */
    public static final int MAX_LIST_TABLES_LIMIT = 100;
    /** Request body size; DynamoDB rejects larger requests. */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;
    /** Tags per resource. */
    public static final int MAX_TAGS_PER_RESOURCE = 50;
    /** Provisioned throughput bounds accepted by CreateTable and UpdateTable. */
    public static final long MIN_PROVISIONED_UNITS = 1;
    public static final long MAX_PROVISIONED_UNITS = 40_000;
    /** Default account quotas DescribeLimits reports. */
    public static final long ACCOUNT_MAX_READ_CAPACITY_UNITS = 80_000;
    public static final long ACCOUNT_MAX_WRITE_CAPACITY_UNITS = 80_000;
    public static final long TABLE_MAX_READ_CAPACITY_UNITS = 40_000;
    public static final long TABLE_MAX_WRITE_CAPACITY_UNITS = 40_000;
    /** Size units of capacity accounting. */
    public static final int READ_UNIT_BYTES = 4 * 1024;
    public static final int WRITE_UNIT_BYTES = 1024;
}
