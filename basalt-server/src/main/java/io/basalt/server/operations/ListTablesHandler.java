package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.model.Limits;
import io.basalt.server.OperationHandler;
import io.basalt.server.RequestContext;
import io.basalt.server.ResponseBody;
import io.basalt.server.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * ListTables: names in ascending order after {@code ExclusiveStartTableName} (which need not exist), at most
 * {@code Limit} (default and maximum 100), with {@code LastEvaluatedTableName} only when more remain.
 */
final class ListTablesHandler implements OperationHandler {
    private final BasaltNode node;

    ListTablesHandler(BasaltNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request) {
        ValidationErrors errors = new ValidationErrors(RequestMembers.LIST_TABLES);
        String start = request.getString("ExclusiveStartTableName");
        if (start != null) {
            errors.checkName(start, "exclusiveStartTableName");
        }
        Long limit = request.getInteger("Limit");
        if (limit != null && limit < 1) {
            errors.add(limit, "limit", "Member must have value greater than or equal to 1");
        } else if (limit != null && limit > Limits.MAX_LIST_TABLES_LIMIT) {
            errors.add(limit, "limit", "Member must have value less than or equal to 100");
        }
        errors.throwIfAny();
        int pageSize = limit == null ? Limits.MAX_LIST_TABLES_LIMIT : limit.intValue();
        List<String> page = node.listTableNames(start, pageSize + 1);
        boolean more = page.size() > pageSize;
        List<String> names = more ? page.subList(0, pageSize) : page;
        return CompletableFuture.completedFuture(out -> {
            out.writeStartObject();
            if (more) {
                out.writeStringField("LastEvaluatedTableName", names.get(names.size() - 1));
            }
            out.writeArrayFieldStart("TableNames");
            for (String name : names) {
                out.writeString(name);
            }
            out.writeEndArray();
            out.writeEndObject();
        });
    }
}
