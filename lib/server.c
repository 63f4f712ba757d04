// SPDX-License-Identifier: MIT
/*
 * The server loop: receive a request, look its op (annex word 0) up in
 * the server's table, run the handler, and send the reply together with
 * the next receive in one nucleus call (ipcReplyReceive).  Handlers that
 * reply later keep the token and call srvReply.  The contract is in
 * motet.h.
 * Entry points: srvLoop, srvReply.
 */
#include <motet.h>

static const struct srv_op *
lookup(const struct srv_op *ops, size_t nops, unsigned long op)
{
	for (size_t i = 0; i < nops; i++)
		if (ops[i].op == op)
			return &ops[i];
	return NULL;
}

/* The status of req: its handler's, or the error that kept it from running. */
static long
dispatch(struct kmsg *req, struct kmsg *reply, const struct srv_op *ops, size_t nops,
	 void *ctx)
{
	const struct srv_op *o = lookup(ops, nops, req->annex[0]);

	if (!o)
		return -K_ENOSYS;
	if (req->bodysize < o->size || (req->flags & K_MSG_CUT))
		return -K_EINVAL;
	return o->fn(req, reply, ctx);
}

long
srvLoop(const struct kui *port, const struct srv_op *ops, size_t nops, void *ctx,
	void *bodybuf, size_t bodymax)
{
	struct kmsg req, reply;
	unsigned long token = 0;	/* the call the reply answers; 0: none */
	long r, st;

	memset(&reply, 0, sizeof(reply));
	for (;;) {
		memset(&req, 0, sizeof(req));
		req.body = bodybuf;
		req.bodysize = bodymax;
		r = ipcReplyReceive(token, &reply, &req, port, K_NOTIMEOUT);
		token = 0;
		if (r == -K_ETIMEOUT)
			continue;
		if (r < 0)
			return r;
		memset(&reply, 0, sizeof(reply));
		st = dispatch(&req, &reply, ops, nops, ctx);
		if (st == SRV_NOREPLY)
			continue;
		if (st == SRV_STOP) {
			if (req.reply)
				srvReply(req.reply, K_OK, &reply);
			return K_OK;
		}
		reply.annex[0] = (unsigned long)st;
		token = req.reply;
	}
}

long
srvReply(unsigned long token, long status, struct kmsg *reply)
{
	reply->annex[0] = (unsigned long)status;
	return ipcReply(token, reply);
}
