package visq.actors.weights;

import akka.actor.typed.receptionist.ServiceKey;

/** The receptionist key under which every holder of a policy (workers, routers) receives weight chunks. */
public final class WeightSubscribers {
    public static final ServiceKey<WeightChunk> KEY = ServiceKey.create(WeightChunk.class, "visq-weight-subscribers");

    private WeightSubscribers() {}
}
