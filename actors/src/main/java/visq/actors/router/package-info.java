/** Online scoring: the inference router actor and the gRPC services in front of it. */
package visq.actors.router;
