package io.basalt.cluster.node;

import io.basalt.replication.raft.RaftTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes {@code node.json}. The file is small, flat JSON that an operator may read; it is parsed here by
 * hand (objects, arrays, integers and plain strings only) because basalt-cluster carries no JSON library and the
 * node's start must not wait for one.
 *
 * <p>Fields added within a format version are optional when read, each with the value every file written before it
 * meant; a reader ignores fields it does not know, so an older Basalt still reads a newer file of the same version.
 */
public final class NodeIdentityFile {
    private NodeIdentityFile() {
    }

    /** Whether {@code nodeDirectory} holds a {@code node.json}: the mark of a cluster node's directory. */
    public static boolean exists(Path nodeDirectory) {
        return Files.isRegularFile(nodeDirectory.resolve(NodeIdentity.FILE_NAME));
    }

    /** Writes the identity into {@code nodeDirectory} (created when missing) atomically, then syncs it. */
    public static void write(Path nodeDirectory, NodeIdentity identity) throws IOException {
        Files.createDirectories(nodeDirectory);
        Path temporary = nodeDirectory.resolve(NodeIdentity.FILE_NAME + ".tmp");
        Files.writeString(temporary, encode(identity), StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, nodeDirectory.resolve(NodeIdentity.FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
    }

    /** @throws IOException when the file is missing, unreadable, of another format version or malformed */
    public static NodeIdentity read(Path nodeDirectory) throws IOException {
        Path file = nodeDirectory.resolve(NodeIdentity.FILE_NAME);
        try {
            return decode(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new IOException(file + " is malformed: " + e.getMessage(), e);
        }
    }

    static String encode(NodeIdentity identity) {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"formatVersion\": ").append(NodeIdentity.FORMAT_VERSION).append(",\n");
        json.append("  \"clusterId\": \"").append(Long.toHexString(identity.clusterId())).append("\",\n");
        json.append("  \"nodeId\": ").append(identity.nodeId()).append(",\n");
        json.append("  \"groupsPerNode\": ").append(identity.groupsPerNode()).append(",\n");
        identity.recordedTransport().ifPresent(transport -> json.append("  \"raftTransport\": \"")
                .append(transport.flagValue()).append("\",\n"));
        json.append("  \"initialNodes\": ");
        appendNodes(json, identity.initialNodes());
        if (identity.joined().isPresent()) {
            // A joined node (§13.1): the cluster as its join answer described it.
            NodeIdentity.Joined joined = identity.joined().get();
            json.append(",\n  \"joinedNodes\": ");
            appendNodes(json, joined.nodes());
            json.append(",\n  \"metadataVoters\": [");
            for (int i = 0; i < joined.metadataVoters().size(); i++) {
                json.append(i == 0 ? "" : ", ").append(joined.metadataVoters().get(i));
            }
            json.append(']');
        }
        return json.append("\n}\n").toString();
    }

    private static void appendNodes(StringBuilder json, List<NodeAddress> nodes) {
        json.append('[');
        for (int i = 0; i < nodes.size(); i++) {
            NodeAddress node = nodes.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {\"nodeId\": ").append(node.nodeId())
                    .append(", \"host\": \"").append(node.host()).append("\", \"apiPort\": ").append(node.apiPort())
                    .append(", \"rpcPort\": ").append(node.rpcPort()).append(", \"raftPort\": ")
                    .append(node.raftPort()).append('}');
        }
        json.append("\n  ]");
    }

    @SuppressWarnings("unchecked")
    static NodeIdentity decode(String text) {
        Map<String, Object> root = (Map<String, Object>) new Parser(text).document();
        long version = (Long) required(root, "formatVersion");
        if (version != NodeIdentity.FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported formatVersion " + version + " (this Basalt reads "
                    + NodeIdentity.FORMAT_VERSION + ")");
        }
        List<NodeAddress> initialNodes = nodes(required(root, "initialNodes"));
        long clusterId = Long.parseUnsignedLong((String) required(root, "clusterId"), 16);
        int nodeId = Math.toIntExact((Long) required(root, "nodeId"));
        int groupsPerNode = Math.toIntExact((Long) required(root, "groupsPerNode"));
        // Absent from files written before s21 (NodeIdentity.UNRECORDED_TRANSPORT).
        Optional<RaftTransport> transport = root.containsKey("raftTransport")
                ? Optional.of(RaftTransport.fromFlag((String) root.get("raftTransport"))) : Optional.empty();
        if (root.containsKey("joinedNodes")) {
            List<Integer> voters = new ArrayList<>();
            for (Object voter : (List<Object>) required(root, "metadataVoters")) {
                voters.add(Math.toIntExact((Long) voter));
            }
            return new NodeIdentity(clusterId, nodeId, List.of(), groupsPerNode, transport,
                    Optional.of(new NodeIdentity.Joined(nodes(required(root, "joinedNodes")), voters)));
        }
        return new NodeIdentity(clusterId, nodeId, initialNodes, groupsPerNode, transport, Optional.empty());
    }

    @SuppressWarnings("unchecked")
    private static List<NodeAddress> nodes(Object array) {
        List<NodeAddress> nodes = new ArrayList<>();
        for (Object entry : (List<Object>) array) {
            Map<String, Object> node = (Map<String, Object>) entry;
            nodes.add(new NodeAddress(Math.toIntExact((Long) required(node, "nodeId")),
                    (String) required(node, "host"), Math.toIntExact((Long) required(node, "apiPort")),
                    Math.toIntExact((Long) required(node, "rpcPort")),
                    Math.toIntExact((Long) required(node, "raftPort"))));
        }
        return nodes;
    }

    private static Object required(Map<String, Object> object, String name) {
        Object value = object.get(name);
        if (value == null) {
            throw new IllegalArgumentException("\"" + name + "\" is missing");
        }
        return value;
    }

    /** A reader of the JSON subset {@link #encode} writes. */
    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            skipSpace();
            if (position != text.length()) {
                throw error("trailing characters");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (position >= text.length()) {
                throw error("unexpected end");
            }
            char next = text.charAt(position);
            if (next == '{') {
                return object();
            }
            if (next == '[') {
                return array();
            }
            if (next == '"') {
                return string();
            }
            int start = position;
            while (position < text.length() && (Character.isDigit(text.charAt(position))
                    || text.charAt(position) == '-')) {
                position++;
            }
            if (start == position) {
                throw error("unexpected '" + next + "'");
            }
            return Long.parseLong(text.substring(start, position));
        }

        private Map<String, Object> object() {
            Map<String, Object> object = new LinkedHashMap<>();
            position++;
            skipSpace();
            if (peek() == '}') {
                position++;
                return object;
            }
            while (true) {
                skipSpace();
                String name = string();
                skipSpace();
                expect(':');
                object.put(name, value());
                skipSpace();
                if (peek() == ',') {
                    position++;
                    continue;
                }
                expect('}');
                return object;
            }
        }

        private List<Object> array() {
            List<Object> array = new ArrayList<>();
            position++;
            skipSpace();
            if (peek() == ']') {
                position++;
                return array;
            }
            while (true) {
                array.add(value());
                skipSpace();
                if (peek() == ',') {
                    position++;
                    continue;
                }
                expect(']');
                return array;
            }
        }

        private String string() {
            expect('"');
            int end = text.indexOf('"', position);
            if (end < 0) {
                throw error("unterminated string");
            }
            String value = text.substring(position, end);
            if (value.indexOf('\\') >= 0) {
                throw error("escapes are not used in node.json");
            }
            position = end + 1;
            return value;
        }

        private char peek() {
            if (position >= text.length()) {
                throw error("unexpected end");
            }
            return text.charAt(position);
        }

        private void expect(char expected) {
            if (peek() != expected) {
                throw error("expected '" + expected + "'");
            }
            position++;
        }

        private void skipSpace() {
            while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(message + " at offset " + position);
        }
    }
}
