/**
 * The internal RPC's frames and the in-JVM transport (docs/design/cluster.md §12): {@link
 * io.basalt.cluster.rpc.RpcCodec} writes and reads every request and response frame of §12.2 (those whose content
 * exists today; the others' kind numbers are reserved), {@link io.basalt.cluster.rpc.RpcPartitionClient} is a
 * {@link io.basalt.cluster.PartitionClient} that sends every call as a frame over an {@link
 * io.basalt.cluster.rpc.RpcTransport}, and {@link io.basalt.cluster.rpc.PartitionRpcServer} answers frames from
 * the partitions a node leads. {@link io.basalt.cluster.rpc.InJvmRpcTransport} joins the two in one process, so that
 * the {@code --loopback-rpc} test mode runs every partition call of a node through the codecs.
 */
package io.basalt.cluster.rpc;
