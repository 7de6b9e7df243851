/**
 * The lowest layer of the actors: the {@link visq.actors.protocol.ClusterMessage} marker every actor protocol that
 * crosses nodes extends. It imports nothing of {@code visq.actors}, so every actor package may import it.
 */
package visq.actors.protocol;
