package io.basalt.server.operations;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.BasaltException;
import io.basalt.server.RequestContext;

/** The {@code ResourceArn} of the tagging operations: which table it names, with DynamoDB's messages. */
final class ResourceArns {
    private ResourceArns() {
    }

    /** The table {@code arn} designates. */
    static TableMetadata table(String arn, RequestContext context, BasaltNode node) {
        if (arn == null) {
            throw BasaltException.validation("Invalid TableArn");
        }
        if (!arn.startsWith("arn:")) {
            throw BasaltException.validation("One or more parameter values were invalid: ARNs must start with "
                    + "'arn:': " + arn);
        }
        String[] parts = arn.split(":", 6);
        if (parts.length < 6 || !parts[2].equals("dynamodb")) {
            throw BasaltException.validation("One or more parameter values were invalid: Provided Arn is not a "
                    + "DynamoDB resource arn: " + arn);
        }
        String resource = parts[5];
        if (!resource.startsWith("table/") || resource.indexOf('/', "table/".length()) >= 0) {
            throw BasaltException.validation("One or more parameter values were invalid: Invalid resource arn "
                    + "provided, only table or stream is accepted. Provided resource arn: " + arn);
        }
        String name = resource.substring("table/".length());
        if (!parts[3].equals(context.region()) || !parts[4].equals(context.accountId()) || name.length() < 3
                || name.length() > 255 || !TableNames.matchesPattern(name)) {
            throw BasaltException.validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
        }
        // Sic: DynamoDB's text says "ResourcArn".
        return node.tryGetTable(name).orElseThrow(() -> BasaltException.resourceNotFound(
                "Requested resource not found: ResourcArn: " + arn + " not found"));
    }
}
