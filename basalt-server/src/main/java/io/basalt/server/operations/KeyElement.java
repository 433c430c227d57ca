package io.basalt.server.operations;

/** One KeySchemaElement of a table or index key schema, as the request sent it (either member may be null). */
record KeyElement(String name, String keyType) {
    boolean isHash() {
        return "HASH".equals(keyType);
    }

    boolean isRange() {
        return "RANGE".equals(keyType);
    }

    /** How DynamoDB's framework prints a list of these in a constraint message. */
    @Override
    public String toString() {
        return "KeySchemaElement(attributeName=" + name + ", keyType=" + keyType + ")";
    }
}
