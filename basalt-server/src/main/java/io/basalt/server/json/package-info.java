/**
 * DynamoDB's JSON: a small typed tree for request bodies (parsed with Jackson's streaming API), the
 * {@code AttributeValue} wire codec with DynamoDB's shape checks, and response writing helpers.
 */
package io.basalt.server.json;
