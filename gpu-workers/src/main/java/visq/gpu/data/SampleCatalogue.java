package visq.gpu.data;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImageTensor;
import visq.gpu.image.InvalidImageException;

/**
 * The samples a worker may be asked about, by id, and their preprocessed tensors.
 *
 * <p>A tensor is decoded and preprocessed on first request and kept in a bounded cache that evicts the least
 * recently used entry. Thread-safe: concurrent requests for the same id load it once, and loading happens
 * outside the cache lock, so other ids are not held up.
 */
public final class SampleCatalogue {

    private final Map<String, IqaSample> samples;
    private final ImagePreparation preprocessor;
    private final ImageLimits limits;
    private final Object lock = new Object();
    private final LinkedHashMap<String, ImageTensor> cache;
    private final Map<String, CompletableFuture<ImageTensor>> loading = new HashMap<>();
    private final AtomicLong loads = new AtomicLong();

    /**
     * @param samples the catalogue; ids must be unique
     * @param capacity the most tensors kept at once
     */
    public SampleCatalogue(List<IqaSample> samples, ImagePreparation preprocessor, ImageLimits limits, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("cache capacity must be positive, got " + capacity);
        }
        Map<String, IqaSample> byId = new LinkedHashMap<>();
        for (IqaSample sample : samples) {
            if (byId.putIfAbsent(sample.id(), sample) != null) {
                throw new IllegalArgumentException("sample id " + sample.id() + " appears twice");
            }
        }
        this.samples = Collections.unmodifiableMap(byId);
        this.preprocessor = preprocessor;
        this.limits = limits;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ImageTensor> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The sample with {@code id}, or empty. */
    public Optional<IqaSample> sample(String id) {
        return Optional.ofNullable(samples.get(id));
    }

    /** Every sample, in the order given. */
    public List<IqaSample> samples() {
        return List.copyOf(samples.values());
    }

    /**
     * The preprocessed tensor of sample {@code id}, loaded on first use.
     *
     * @throws NoSuchElementException if no sample has {@code id}
     * @throws SampleUnreadableException if its image cannot be read or decoded
     */
    public ImageTensor tensor(String id) {
        IqaSample sample = sample(id).orElseThrow(() -> new NoSuchElementException("no sample with id " + id));
        CompletableFuture<ImageTensor> pending;
        boolean loadHere = false;
        synchronized (lock) {
            ImageTensor cached = cache.get(id);
            if (cached != null) {
                return cached;
            }
            pending = loading.get(id);
            if (pending == null) {
                pending = new CompletableFuture<>();
                loading.put(id, pending);
                loadHere = true;
            }
        }
        if (!loadHere) {
            return await(pending);
        }
        try {
            ImageTensor tensor = load(sample);
            synchronized (lock) {
                cache.put(id, tensor);
                loading.remove(id);
            }
            pending.complete(tensor);
            return tensor;
        } catch (RuntimeException e) {
            synchronized (lock) {
                loading.remove(id);
            }
            pending.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Prepares every sample on {@code threads} daemon threads of its own, in catalogue order, and returns at once; a
     * sample asked for meanwhile is prepared once (by whichever comes first). A sample that cannot be read is left
     * for its first use to report. {@code progress} hears a line about every tenth of the catalogue and at the end.
     */
    public CompletableFuture<Void> prepareAhead(int threads, Consumer<String> progress) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        List<String> ids = List.copyOf(samples.keySet());
        AtomicInteger done = new AtomicInteger();
        AtomicInteger unreadable = new AtomicInteger();
        int step = Math.max(1, ids.size() / 10);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
        CompletableFuture<?>[] tasks = ids.stream().map(id -> CompletableFuture.runAsync(() -> {
            try {
                tensor(id);
            } catch (SampleUnreadableException e) {
                unreadable.incrementAndGet();
            }
            int finished = done.incrementAndGet();
            if (finished % step == 0 || finished == ids.size()) {
                double seconds = (System.nanoTime() - start) / 1e9;
                progress.accept(String.format(java.util.Locale.ROOT,
                        "prepared %d of %d images in %.0f s (%.0f ms each on %d threads)%s", finished, ids.size(),
                        seconds, 1000 * seconds * threads / finished, threads,
                        unreadable.get() == 0 ? "" : ", " + unreadable.get() + " unreadable"));
            }
        }, pool)).toArray(CompletableFuture<?>[]::new);
        return CompletableFuture.allOf(tasks).whenComplete((ignored, failure) -> pool.shutdown());
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "visq-prepare-ahead-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** How many tensors are cached now. */
    public int cachedCount() {
        synchronized (lock) {
            return cache.size();
        }
    }

    /** How many times an image has been decoded and preprocessed since creation. */
    public long loadCount() {
        return loads.get();
    }

    private ImageTensor load(IqaSample sample) {
        loads.incrementAndGet();
        try {
            return preprocessor.preprocess(ImageDecoder.decode(sample.image(), limits));
        } catch (IOException | InvalidImageException e) {
            throw new SampleUnreadableException(sample, e);
        }
    }

    private static ImageTensor await(CompletableFuture<ImageTensor> pending) {
        try {
            return pending.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw e;
        }
    }
}
