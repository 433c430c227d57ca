package io.basalt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Raft groups a node process believes it leads, read from its log: Ratis logs every role change of a member at
 * INFO ({@code n1@group-…: changes role from CANDIDATE to LEADER at term 3 for …}, the roles padded with spaces to
 * one width), and a node's last change per group
 * is its role now, as the node sees it (a deposed leader that has not heard of its successor still sees itself
 * leading). The fault tests use it to choose the node whose loss hurts most; nothing in Basalt's API says who leads.
 */
final class RaftRoles {
    private static final Pattern ROLE_CHANGE = Pattern.compile(
            "\\S+@(group-[0-9A-Fa-f]+): changes role from\\s+\\w+ to\\s+(\\w+) at term \\d+");

    private RaftRoles() {
    }

    /** Each group the log mentions, with the role its last change gave the member. */
    static Map<String, String> roles(Path log) throws IOException {
        Map<String, String> roles = new HashMap<>();
        if (!Files.exists(log)) {
            return roles;
        }
        for (String line : Files.readAllLines(log)) {
            Matcher matcher = ROLE_CHANGE.matcher(line);
            if (matcher.find()) {
                roles.put(matcher.group(1), matcher.group(2));
            }
        }
        return roles;
    }

    /** How many groups node {@code node} of {@code cluster} leads, by its own log. */
    static long ledGroups(NodeProcesses cluster, int node) throws IOException {
        return roles(cluster.logFile(node)).values().stream().filter("LEADER"::equals).count();
    }
}
