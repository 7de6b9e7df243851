/** The {@code visq} command line: one class per command, the option grammar each declares, and its strict parser. */
package visq.deploy.cli;
