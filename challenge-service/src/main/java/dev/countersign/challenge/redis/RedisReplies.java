package dev.countersign.challenge.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vertx.mutiny.redis.client.Response;

/** Reading Redis replies: a Lua table of alternating field names and values becomes a map. */
public final class RedisReplies {

    private RedisReplies() {
    }

    public static Map<String, String> fields(Response flat) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (flat == null) {
            return fields;
        }
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
        }
        return fields;
    }

    /** A multi-bulk reply of strings (the members a {@code ZRANGEBYSCORE} answered), in order. */
    public static List<String> strings(Response reply) {
        List<String> values = new ArrayList<>();
        for (Response value : reply) {
            values.add(value.toString());
        }
        return values;
    }
}
