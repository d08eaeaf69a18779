package io.tern.engine.auth;

import io.tern.kv.Compare;
import io.tern.kv.DeleteRangeRequest;
import io.tern.kv.KeyRange;
import io.tern.kv.KvOp;
import io.tern.kv.Permission;
import io.tern.kv.PutRequest;
import io.tern.kv.RangeRequest;
import io.tern.kv.TxnRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What a request needs of its user's roles, as etcd 3.5 judges it: READ or WRITE on each range it
 * touches, or the root role. A transaction needs what its compares read and what both its branches
 * (and their nested transactions) would do, whichever runs; a put or delete that returns the previous
 * value needs READ as well.
 *
 * @param needs what must each be allowed by some permission of some role of the user
 * @param root  whether only a user with the root role may make it (admin requests)
 */
public record RequiredAccess(List<Permission> needs, boolean root) {

    /** A request only root may make. */
    public static final RequiredAccess ROOT = new RequiredAccess(List.of(), true);
    /** A request any authenticated user may make. */
    public static final RequiredAccess ANY_USER = new RequiredAccess(List.of(), false);

    public RequiredAccess {
        needs = List.copyOf(needs);
    }

    public static RequiredAccess read(KeyRange range) {
        return new RequiredAccess(List.of(new Permission(Permission.Type.READ, range)), false);
    }

    public static RequiredAccess write(KeyRange range) {
        return new RequiredAccess(List.of(new Permission(Permission.Type.WRITE, range)), false);
    }

    public static RequiredAccess of(KvOp op) {
        List<Permission> needs = new ArrayList<>();
        collect(op, needs);
        return new RequiredAccess(needs, false);
    }

    private static void collect(KvOp op, List<Permission> needs) {
        switch (op) {
            case RangeRequest range -> needs.add(new Permission(Permission.Type.READ, range.range()));
            case PutRequest put -> {
                KeyRange key = KeyRange.single(put.key());
                needs.add(new Permission(Permission.Type.WRITE, key));
                if (put.prevKv()) {
                    needs.add(new Permission(Permission.Type.READ, key));
                }
            }
            case DeleteRangeRequest delete -> {
                needs.add(new Permission(Permission.Type.WRITE, delete.range()));
                if (delete.prevKv()) {
                    needs.add(new Permission(Permission.Type.READ, delete.range()));
                }
            }
            case TxnRequest txn -> {
                for (Compare compare : txn.compare()) {
                    needs.add(new Permission(Permission.Type.READ, compare.range()));
                }
                for (KvOp inner : txn.success()) {
                    collect(inner, needs);
                }
                for (KvOp inner : txn.failure()) {
                    collect(inner, needs);
                }
            }
        }
    }
}
