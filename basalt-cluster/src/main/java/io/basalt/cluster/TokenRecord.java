package io.basalt.cluster;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A committed transaction's ClientRequestToken, stored with its commit decision so that a retry after a restart is
 * still recognised: the request's fingerprint, when the token expires, and each action's item sizes (a retry is
 * charged on them).
 *
 * <p>Format (version 1): {@code [1][expires epoch millis varint][fingerprint: varint length, UTF-8][action count
 * varint] then per action [old size varint][new size varint]}.
 */
record TokenRecord(String fingerprint, Instant expires, long[] oldSizes, long[] newSizes) {
    private static final byte FORMAT_VERSION = 1;

    byte[] encode() {
        byte[] fingerprintBytes = fingerprint.getBytes(StandardCharsets.UTF_8);
        ByteWriter out = new ByteWriter(32 + fingerprintBytes.length + 10 * oldSizes.length);
        out.writeByte(FORMAT_VERSION);
        out.writeVarLong(expires.toEpochMilli());
        out.writeVarInt(fingerprintBytes.length);
        out.writeBytes(fingerprintBytes);
        out.writeVarInt(oldSizes.length);
        for (int i = 0; i < oldSizes.length; i++) {
            out.writeVarLong(oldSizes[i]);
            out.writeVarLong(newSizes[i]);
        }
        return out.toByteArray();
    }

    static TokenRecord decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown token record format version " + version);
        }
        Instant expires = Instant.ofEpochMilli(in.readVarLong());
        String fingerprint = new String(in.readBytes(in.readLength()), StandardCharsets.UTF_8);
        int count = in.readLength();
        long[] oldSizes = new long[count];
        long[] newSizes = new long[count];
        for (int i = 0; i < count; i++) {
            oldSizes[i] = in.readVarLong();
            newSizes[i] = in.readVarLong();
        }
        return new TokenRecord(fingerprint, expires, oldSizes, newSizes);
    }
}
