package io.tern.client.protocol;

/**
 * The messages of the authentication refusals, in etcd 3.5's words (so that the etcd gateway can map
 * each to etcd's code by its text, as it does BAD_REQUEST's). UNAUTHENTICATED carries one of the first
 * four; PERMISSION_DENIED carries Tern's own message naming the missing permission ("user alice lacks
 * WRITE on key 'foo'"), which etcd words {@link #PERMISSION_DENIED}; a refused user or role change is
 * BAD_REQUEST with one of the others.
 */
public final class AuthMessages {

    /** UNAUTHENTICATED: authentication is on and the request carries no credentials (etcd: InvalidArgument). */
    public static final String USER_EMPTY = "etcdserver: user name is empty";
    /** UNAUTHENTICATED: the token is unknown, malformed, expired or invalidated (etcd: Unauthenticated). */
    public static final String INVALID_TOKEN = "etcdserver: invalid auth token";
    /** UNAUTHENTICATED, to AUTHENTICATE: no such user, or the wrong password (etcd: InvalidArgument). */
    public static final String AUTH_FAILED = "etcdserver: authentication failed, invalid user ID or password";
    /** UNAUTHENTICATED, to AUTHENTICATE while authentication is off (etcd: FailedPrecondition). */
    public static final String AUTH_NOT_ENABLED = "etcdserver: authentication is not enabled";
    /** How etcd words every PERMISSION_DENIED (etcd: PermissionDenied). */
    public static final String PERMISSION_DENIED = "etcdserver: permission denied";

    /** BAD_REQUEST texts of refused auth changes, etcd's (codes: etcd's, see {@code etcd/api/v3rpc/rpctypes}). */
    public static final String ROOT_USER_NOT_EXIST = "etcdserver: root user does not exist";
    public static final String ROOT_ROLE_NOT_EXIST = "etcdserver: root user does not have root role";
    public static final String USER_ALREADY_EXIST = "etcdserver: user name already exists";
    public static final String USER_NOT_FOUND = "etcdserver: user name not found";
    public static final String ROLE_ALREADY_EXIST = "etcdserver: role name already exists";
    public static final String ROLE_NOT_FOUND = "etcdserver: role name not found";
    public static final String ROLE_EMPTY = "etcdserver: role name is empty";
    public static final String ROLE_NOT_GRANTED = "etcdserver: role is not granted to the user";
    public static final String PERMISSION_NOT_GRANTED = "etcdserver: permission is not granted to the role";
    public static final String INVALID_AUTH_MGMT = "etcdserver: invalid auth management";
    public static final String PERMISSION_NOT_GIVEN = "etcdserver: permission not given";

    private AuthMessages() {
    }
}
