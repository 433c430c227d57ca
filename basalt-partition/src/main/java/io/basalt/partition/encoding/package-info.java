/**
 * Byte formats that reach disk: the order-preserving encoding of key values ({@link
 * io.basalt.partition.encoding.KeyEncoding}) and the versioned binary item codec ({@link
 * io.basalt.partition.encoding.ItemCodec}), over a small growable writer and a bounds-checked reader.
 *
 * <p>Both formats are persistent: a change to any byte they produce needs a new format version, which the golden
 * tests in this package's tests make impossible to do by accident.
 */
package io.basalt.partition.encoding;
