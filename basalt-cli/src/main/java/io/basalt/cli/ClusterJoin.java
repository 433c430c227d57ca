package io.basalt.cli;

import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.cluster.rpc.NodeJoinAnswer;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code basalt serve --join HOST:PORT --port P --data-dir D} on a directory without {@code node.json}
 * (docs/design/cluster.md §13.1, step 13 as built): a new node joins a running cluster. {@code HOST:PORT} is any
 * node's DynamoDB API endpoint — what the user knows, as in {@code basalt cluster}'s output — whose {@code GET
 * /_basalt/cluster/node} names its RPC port and the cluster's Raft transport; the joining node chooses free RPC and
 * Ratis ports, sends {@code NODE_JOIN} to that RPC endpoint (which forwards it to the metadata leader), and writes the
 * answer, with the transport, as its {@code node.json}. Then it starts as any node does; the metadata leader's
 * reconcile loop gives it members.
 *
 * <p>The transport is the cluster's: a {@code --raft-transport} naming another is refused before the join is sent, so
 * the cluster does not register a node that could never talk to it. It comes from the seed's description rather than
 * in the join answer, whose frame would need a new RPC protocol version for it ({@code RpcCodec}); the seed names the
 * transport it runs on, which is its cluster's (a node on another could not take part in it). A seed older than s21
 * does not name it: the joining node then takes the one asked for, or the default, as it did before.
 */
final class ClusterJoin {
    /** How long the join may look for a metadata leader that can register it (a cluster still starting). */
    static final Duration JOIN_WAIT = Duration.ofSeconds(60);
    private static final Pattern RPC_PORT = Pattern.compile("\"RpcPort\"\\s*:\\s*(\\d+)");
    private static final Pattern RAFT_TRANSPORT = Pattern.compile("\"RaftTransport\"\\s*:\\s*\"([a-z]+)\"");

    private ClusterJoin() {
    }

    /** Thrown when the node could not join; the message says why. */
    static final class JoinException extends Exception {
        private static final long serialVersionUID = 1L;

        JoinException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What the joining node learns from the seed's {@code GET /_basalt/cluster/node}. */
    private record Seed(InetSocketAddress rpc, Optional<RaftTransport> transport) {
    }

    /**
     * Joins the cluster that {@code seed} (an API endpoint) belongs to and writes {@code node.json} in {@code
     * directory}.
     *
     * @param apiPort this node's API port (0: a free one)
     * @param transport the Raft transport {@code --raft-transport} asked for; empty when not given
     */
    static NodeIdentity join(String seed, String host, int apiPort, Optional<RaftTransport> transport,
            Path directory) throws JoinException {
        Seed described = describe(seed);
        RaftTransport clusterTransport = clusterTransport(seed, described.transport(), transport);
        int api = apiPort == 0 ? freePort(host) : apiPort;
        int rpc = freePort(host);
        int raft = freePort(host);
        RpcRequest.NodeJoin request = new RpcRequest.NodeJoin(host, api, rpc, raft);
        NodeJoinAnswer answer = send(seed, described.rpc(), request);
        NodeIdentity identity = answer.identity(clusterTransport);
        try {
            Files.createDirectories(directory);
            NodeIdentityFile.write(directory, identity);
        } catch (IOException e) {
            throw new JoinException("cannot write " + directory.resolve(NodeIdentity.FILE_NAME) + ": "
                    + e.getMessage(), e);
        }
        return identity;
    }

    /**
     * The transport the joining node records: the seed's ({@code seedTransport}; empty from a seed older than s21),
     * which {@code requested} must match; without the seed's, the one requested or the default.
     *
     * @throws JoinException when {@code requested} is not the seed's, naming both
     */
    static RaftTransport clusterTransport(String seed, Optional<RaftTransport> seedTransport,
            Optional<RaftTransport> requested) throws JoinException {
        if (seedTransport.isEmpty()) {
            return requested.orElse(RaftConfig.defaults().transport());
        }
        if (requested.isPresent() && requested.get() != seedTransport.get()) {
            throw new JoinException("the cluster of " + seed + " runs on the " + seedTransport.get().flagValue()
                    + " Raft transport, not " + requested.get().flagValue() + ": every node of a cluster uses the "
                    + "same transport; join without --raft-transport, or with --raft-transport "
                    + seedTransport.get().flagValue(), null);
        }
        return seedTransport.get();
    }

    /** The seed's RPC endpoint and Raft transport, from its API endpoint's {@code GET /_basalt/cluster/node}. */
    private static Seed describe(String seed) throws JoinException {
        int colon = seed.lastIndexOf(':');
        if (colon <= 0) {
            throw new JoinException("--join takes a node's API endpoint as HOST:PORT, not '" + seed + "'", null);
        }
        String host = seed.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(seed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new JoinException("--join takes a node's API endpoint as HOST:PORT, not '" + seed + "'", e);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/_basalt/cluster/node"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = client.send(get, HttpResponse.BodyHandlers.ofString());
            Matcher matcher = RPC_PORT.matcher(response.body());
            if (response.statusCode() != 200 || !matcher.find()) {
                throw new JoinException(seed + " is not a Basalt cluster node (GET /_basalt/cluster/node answered "
                        + response.statusCode() + ")", null);
            }
            Matcher transport = RAFT_TRANSPORT.matcher(response.body());
            Optional<RaftTransport> seedTransport = Optional.empty();
            if (transport.find()) {
                try {
                    seedTransport = Optional.of(RaftTransport.fromFlag(transport.group(1)));
                } catch (IllegalArgumentException e) {
                    throw new JoinException(seed + " runs on a Raft transport this Basalt does not know: "
                            + e.getMessage(), e);
                }
            }
            return new Seed(new InetSocketAddress(host, Integer.parseInt(matcher.group(1))), seedTransport);
        } catch (IOException e) {
            throw new JoinException("cannot reach " + seed + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted", e);
        }
    }

    /** Sends the join until the metadata leader answers it (a cluster still electing answers NOT_READY). */
    private static NodeJoinAnswer send(String seed, InetSocketAddress seedRpc, RpcRequest.NodeJoin request)
            throws JoinException {
        long until = System.nanoTime() + JOIN_WAIT.toNanos();
        Object last = null;
        try (NettyRpcTransport transport = NettyRpcTransport.client(1)) {
            long id = 0;
            while (System.nanoTime() < until) {
                byte[] frame = RpcCodec.encodeRequest(++id, 30_000, request);
                try {
                    byte[] answer = transport.peer(seedRpc).call(frame).get(35, TimeUnit.SECONDS);
                    RpcResponse response = RpcCodec.decodeResponse(answer, request).content();
                    if (response instanceof RpcResponse.Ok ok) {
                        return (NodeJoinAnswer) ok.value();
                    }
                    if (response instanceof RpcResponse.Error error) {
                        throw new JoinException("the cluster refused the join: " + error.error().getMessage(),
                                error.error());
                    }
                    last = response;
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted", e);
        }
        throw new JoinException("no metadata leader of " + seed + "'s cluster registered this node within "
                + JOIN_WAIT.toSeconds() + " s (last answer: " + last + ")", null);
    }

    private static int freePort(String host) throws JoinException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new JoinException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }
}
