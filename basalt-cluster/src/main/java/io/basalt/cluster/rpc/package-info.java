/**
 * The internal RPC (docs/design/cluster.md §12): {@link io.basalt.cluster.rpc.RpcCodec} writes and reads every
 * request and response frame of §12.2 (those whose content exists today; the others' kind numbers are reserved),
 * {@link io.basalt.cluster.rpc.RpcPartitionClient} is a {@link io.basalt.cluster.PartitionClient} that sends every
 * call as a frame over an {@link io.basalt.cluster.rpc.RpcTransport}, and {@link
 * io.basalt.cluster.rpc.PartitionRpcServer} answers frames from the partitions a node serves, within its {@link
 * io.basalt.cluster.Admission} limits and as its {@link io.basalt.cluster.rpc.ServingGuard} allows. Two
 * transports join them: {@link io.basalt.cluster.rpc.NettyRpcTransport} over TCP between nodes (with per-peer fault
 * injection for the fault tests), and {@link io.basalt.cluster.rpc.InJvmRpcTransport} in one process, for the
 * {@code --loopback-rpc} test mode. Routing (which node to call, and what to do with its answer) is {@code
 * io.basalt.cluster.routing}'s.
 */
package io.basalt.cluster.rpc;
