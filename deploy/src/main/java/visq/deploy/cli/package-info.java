/**
 * The {@code visq} command line: one class per command, the option grammar each declares, its strict parser, and
 * what a command does that no other package owns (training progress, the adapter export).
 */
package visq.deploy.cli;
