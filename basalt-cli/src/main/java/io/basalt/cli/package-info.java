/** The {@code basalt} command: {@code serve}, with {@code --help} and {@code --version}. */
package io.basalt.cli;
