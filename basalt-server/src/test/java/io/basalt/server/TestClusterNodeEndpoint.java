package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.NodeConfig;
import io.basalt.storage.memory.InMemoryStorageEngine;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /_basalt/cluster/node} (docs/design/cluster.md §13.1, step 13) describes a cluster node to {@code basalt
 * serve --join}; a single node is no cluster node and says so with a 404. (On cluster nodes the process tests of
 * basalt-cli — TestJoin, TestReplaceDeadNode — read it.)
 */
class TestClusterNodeEndpoint {
    @Test
    void aSingleNodeIsNotAClusterNode() throws Exception {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            BasaltServer server = BasaltServer.start(node, ServerConfig.of("127.0.0.1", 0));
            try (RawHttp http = new RawHttp(server.port())) {
                http.send("GET /_basalt/cluster/node HTTP/1.1\r\nHost: localhost\r\n\r\n");
                RawHttp.Response response = http.read();
                assertThat(response.status()).isEqualTo(404);
                assertThat(response.body()).isEqualTo("{\"message\":\"Not a cluster node\"}");
            } finally {
                server.close();
            }
        }
    }
}
