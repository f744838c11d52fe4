package dev.countersign.challenge.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Runs {@link RedisScript}s: each is sent once with {@code SCRIPT LOAD} (on first use) and then
 * called by its SHA-1 with {@code EVALSHA}, so a transition sends its arguments, not its script.
 * Redis forgets loaded scripts when it restarts, fails over or is flushed; the {@code NOSCRIPT} error
 * that follows is answered by running the script once more with {@code EVAL}, which also caches it
 * again. {@code EVAL} rather than {@code SCRIPT LOAD} there because {@code EVAL} goes by its key to
 * the very node that said {@code NOSCRIPT}, also in a Redis Cluster, where {@code SCRIPT LOAD} (no
 * key) may reach another. On a cluster this also happens once per script and node at first use,
 * since {@code SCRIPT LOAD} reached one node only.
 */
@ApplicationScoped
public class RedisScripts {

    private static final Logger LOG = Logger.getLogger(RedisScripts.class);

    private final ReactiveRedisDataSource redis;
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();

    public RedisScripts(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    /** Runs the script on one key; {@code args} are its ARGV. A Lua {@code false} answers null. */
    public Uni<Response> run(RedisScript script, String key, String... args) {
        return run(script, List.of(key), Arrays.asList(args));
    }

    /** Runs the script on its KEYS (all in one hash tag) with its ARGV. */
    public Uni<Response> run(RedisScript script, List<String> keys, List<String> args) {
        return load(script)
                .flatMap(sha -> redis.execute("EVALSHA", command(sha, keys, args)))
                .onFailure(RedisScripts::isNoScript).recoverWithUni(failure -> {
                    LOG.infof("Redis (or this cluster node) does not hold script %s; running it with EVAL", script);
                    return redis.execute("EVAL", command(script.source(), keys, args));
                });
    }

    private Uni<String> load(RedisScript script) {
        if (loaded.contains(script.sha1())) {
            return Uni.createFrom().item(script.sha1());
        }
        return redis.execute("SCRIPT", "LOAD", script.source()).map(reply -> {
            loaded.add(script.sha1());
            return script.sha1();
        });
    }

    private static String[] command(String script, List<String> keys, List<String> args) {
        List<String> command = new ArrayList<>(2 + keys.size() + args.size());
        command.add(script);
        command.add(Integer.toString(keys.size()));
        command.addAll(keys);
        command.addAll(args);
        return command.toArray(String[]::new);
    }

    static boolean isNoScript(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }
}
