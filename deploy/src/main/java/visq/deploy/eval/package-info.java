/** {@code visq eval}: scoring held-out images through the serving path and writing reports and plots. */
package visq.deploy.eval;
