package dev.countersign.challenge.replica;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.countersign.challenge.redis.RedisScript;
import dev.countersign.challenge.redis.RedisScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Whether the key replica in Redis is whole: {@code cs:{replica}:epoch} is written once a rebuild
 * has read {@code credential-events} from its start to its end, and is gone after {@code FLUSHALL}
 * or on a new, empty Redis. {@code cs:{replica}:rebuild} is the lease of the one rebuild running
 * (of all replicas of the service), with a TTL so that a rebuilder that dies frees it.
 */
@ApplicationScoped
public class ReplicaEpochStore {

    public static final String EPOCH = "cs:{replica}:epoch";
    public static final String LEASE = "cs:{replica}:rebuild";

    private static final RedisScript RENEW = RedisScript.load("replica/rebuild-renew");
    private static final RedisScript COMPLETE = RedisScript.load("replica/rebuild-complete");

    private final ReactiveRedisDataSource redis;
    private final RedisScripts scripts;

    public ReplicaEpochStore(ReactiveRedisDataSource redis, RedisScripts scripts) {
        this.redis = redis;
        this.scripts = scripts;
    }

    /** The marker (empty: the replica is not known to be whole) and the holder of the rebuild lease. */
    public Uni<Marker> read() {
        return redis.execute("MGET", EPOCH, LEASE).map(reply -> new Marker(
                Optional.ofNullable(reply.get(0)).map(Object::toString),
                Optional.ofNullable(reply.get(1)).map(Object::toString)));
    }

    /** Takes the rebuild lease if no rebuild holds it; true when taken. */
    public Uni<Boolean> claim(String token, Duration lease) {
        return redis.execute("SET", LEASE, token, "NX", "PX", Long.toString(lease.toMillis()))
                .map(reply -> reply != null);
    }

    /** Extends the lease; false when it is no longer {@code token}'s (flushed, expired, taken). */
    public Uni<Boolean> renew(String token, Duration lease) {
        return scripts.run(RENEW, LEASE, token, Long.toString(lease.toMillis())).map(reply -> reply.toInteger() == 1);
    }

    /** Writes the marker and frees the lease, if {@code token} still holds it; true when written. */
    public Uni<Boolean> complete(String token, String epoch) {
        return scripts.run(COMPLETE, List.of(EPOCH, LEASE), List.of(token, epoch)).map(reply -> reply.toInteger() == 1);
    }

    public record Marker(Optional<String> epoch, Optional<String> lease) {
    }
}
