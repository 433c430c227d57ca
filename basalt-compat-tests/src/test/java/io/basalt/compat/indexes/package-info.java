/**
 * Black-box compatibility tests of the secondary-index control plane: CreateTable with local and global indexes,
 * their descriptions in every TableDescription, and UpdateTable's GlobalSecondaryIndexUpdates, through the AWS SDK
 * for Java v2. Expected behaviour and exact messages follow docs/design/index-control-plane.md.
 */
package io.basalt.compat.indexes;
