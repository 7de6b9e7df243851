/** Weight distribution: the publisher on the learner node, chunked snapshots and their reassembly. */
package visq.actors.weights;
