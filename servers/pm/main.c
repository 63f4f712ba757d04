// SPDX-License-Identifier: MIT
/*
 * pm's start and its threads: the twins that serve each process's
 * system calls (sys.c has the table), and the control thread
 * that takes signals sent to control ports, stm's notices and alarms.
 * Boot configuration: `user trusted pm PROGRAM ARGS...` runs PROGRAM as
 * process 1 on the console (default /bin/sh).
 */
#include "pm.h"

kmutex_t pm_lock = KMUTEX_INIT;
struct kui om_port, stm_port, pm_port;
unsigned long pm_secret[2];

static bool trace;		/* pm's first argument "trace": log every call */

/*
 * A process's twin: serves its traps until the process is gone.  p is
 * checked against the trap port it was started for after every wait, so
 * a reused slot is never mistaken for its process.  Twins are kept when
 * their process ends and serve the next one (a thread's stack cannot be
 * freed by the thread), so pm's memory follows the number of processes
 * alive, not of processes made.
 */
struct twin {
	ksem_t go;			/* V: p is set, serve it */
	struct proc *p;
	char *buf;
	char *hstack;			/* supervisor pm: pm_trap's stack for p */
	struct twin *next;		/* on the idle list */
};

/* pm_trap runs the call on a stack of pm's, not on the nucleus stack of
 * the process's thread: a call's locals (paths of 4 KiB) and the nucleus
 * calls it makes need more room than that has. */
#define HSTACK	(32 * 1024)

/* fn(arg) on the stack that ends at top (16-byte aligned). */
long call_on_stack(long (*fn)(void *), void *arg, char *top);
__asm__(".text\n"
	".globl call_on_stack\n"
	".type call_on_stack, @function\n"
	"call_on_stack:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	mov %rdx, %rsp\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	call *%rax\n"
	"	mov %rbp, %rsp\n"
	"	pop %rbp\n"
	"	ret\n"
	".size call_on_stack, . - call_on_stack\n");

static long dispatch_on(void *c) { return sys_dispatch(c); }

/* A stack for pm_trap, above a page no one may touch: an overflow
 * faults instead of overwriting pm's memory.  Kept with its twin. */
static char *
hstack_new(void)
{
	long base = rgnAllocate(0, HSTACK + 4096, K_PROT_READ | K_PROT_WRITE);

	if (K_IS_ERR(base))
		return NULL;
	rgnProtect(0, (void *)base, 4096, 0);
	return (char *)base + 4096;
}

static char *
hstack_top(struct twin *w)
{
	return w->hstack ? (char *)(((unsigned long)w->hstack + HSTACK) & ~15UL) : NULL;
}

static struct twin *idle_twins;		/* under pm_lock */
unsigned long n_twins;
unsigned long n_handler_calls, n_twin_calls;	/* under pm_lock */

/* Serves p; returns with pm_lock held once p is gone. */
static void
serve(struct proc *p, char *buf)
{
	struct kui port = p->trap;
	struct kmsg m, rep;
	unsigned long token = 0;	/* the last call's, answered with the next receive */
	struct call c;
	long r;

	c.buf = buf;
	for (;;) {
		memset(&m, 0, sizeof(m));
		r = ipcReplyReceive(token, &rep, &m, &port, K_NOTIMEOUT);
		token = 0;
		if (r == -K_ETIMEOUT)
			continue;
		mutexGet(&pm_lock);
		if (r < 0 || p->state != P_RUN || !uiEqual(&p->trap, &port))
			break;
		c.p = p;
		c.tm = *(struct ktrapmsg *)m.annex;
		c.restart = c.noreply = false;
		n_twin_calls++;
		p->in_call = true;
		p->kick = false;
		if (c.tm.tid & K_TRAPMSG_EXC) {
			r = sig_exception(&c, (struct kexcmsg *)m.annex);
		} else if (c.tm.rax == PM_TRAP_RESULT && p->hresult_pending) {
			p->hresult_pending = false;	/* run by pm_trap: its signals */
			r = sig_at_return(&c, p->hresult);
		} else {
			if (trace)
				kprintf("pm: %d %s(%#lx, %#lx, %#lx, %#lx)\n", p->pid,
					c.tm.rax < NSYSCALLS && sys_names[c.tm.rax] ? sys_names[c.tm.rax] : "?",
					c.tm.rdi, c.tm.rsi, c.tm.rdx, c.tm.r10);
			r = sys_dispatch(&c);
			if (trace)
				kprintf("pm: %d -> %ld\n", p->pid, r);
			if (p->state == P_RUN && uiEqual(&p->trap, &port) && !c.noreply)
				r = sig_at_return(&c, r);
		}
		p->in_call = false;
		if (p->state != P_RUN || !uiEqual(&p->trap, &port))
			c.noreply = true;
		mutexRel(&pm_lock);
		if (!c.noreply) {
			memset(&rep, 0, sizeof(rep));
			rep.annex[0] = (unsigned long)r;
			token = m.reply;
		}
	}
	if (uiEqual(&p->trap, &port))
		p->twin_alive = false;
}

static void
twin(void *arg)
{
	struct twin *w = arg;

	for (;;) {
		serve(w->p, w->buf);
		w->p = NULL;
		w->next = idle_twins;
		idle_twins = w;
		mutexRel(&pm_lock);
		semP(&w->go, K_NOTIMEOUT);
	}
}

/* Gives p a twin (pm_lock held): an idle one, or a new thread. */
long
twin_start(struct proc *p)
{
	struct twin *w = idle_twins;
	long r;

	p->twin_alive = true;
	if (w) {
		idle_twins = w->next;
		w->p = p;
		p->twin_buf = w->buf;
		p->hstack_top = hstack_top(w);
		semV(&w->go);
		return 0;
	}
	if (!(w = zalloc(sizeof(*w))) || !(w->buf = malloc(PM_BODY)) ||
	    (__kstart->mode == K_ACTOR_SUPER && !(w->hstack = hstack_new()))) {
		if (w)
			free(w->buf);
		free(w);
		p->twin_alive = false;
		return -K_ENOMEM;
	}
	semInit(&w->go, 0);
	w->p = p;
	p->twin_buf = w->buf;
	p->hstack_top = hstack_top(w);
	n_twins++;
	if ((r = threadStart(twin, w, 0, 64 * 1024)) < 0) {
		if (w->hstack)
			rgnFree(w->hstack - 4096, HSTACK + 4096);
		free(w->buf);
		free(w);
		p->twin_alive = false;
		return r;
	}
	p->twin = r;
	return 0;
}

/*
 * The trap handler of a process's thread, when pm is a supervisor actor:
 * the calls sys_in_handler names run here, in the process's thread, so
 * a getpid costs a trap and a procedure call instead of two messages.
 * It never waits: when pm_lock is busy, the process is not as the
 * handler was connected for, or a signal is to be acted on, the call
 * goes on to the twin (K_TRAP_PASS).  pm_lock is held until the handler
 * leaves, so a signal posted later finds the process in its own code and
 * is delivered as to any running process (sig_interrupt).
 */
static int
pm_trap(void *arg, long aid, long tid, struct kcontext *ctx)
{
	struct proc *p = arg;
	struct ofile *f;
	struct call c;
	int how = sys_in_handler((long)ctx->rax);
	long r;

	if (how == H_NO || !mutexTry(&pm_lock))
		return K_TRAP_PASS;
	if (p->state != P_RUN || p->aid != aid || p->tid != tid || p->in_call || p->killed ||
	    !p->twin_buf || !p->hstack_top || sig_deliverable(p) ||
	    (how == H_NOT_STM && (f = fd_get(p, (int)ctx->rdi)) && f->kind == OF_STM)) {
		mutexRel(&pm_lock);
		return K_TRAP_PASS;
	}
	c.p = p;
	c.tm = (struct ktrapmsg){ (unsigned long)tid, ctx->rax, ctx->rdi, ctx->rsi, ctx->rdx,
				  ctx->r10, ctx->r8, ctx->r9 };
	c.buf = p->twin_buf;	/* the twin waits for this thread's next trap */
	c.restart = c.noreply = false;
	p->in_handler = true;
	r = call_on_stack(dispatch_on, &c, p->hstack_top);
	p->in_handler = false;
	if (r == PM_PUNT) {		/* nothing done: the twin does it all */
		mutexRel(&pm_lock);
		return K_TRAP_PASS;
	}
	n_handler_calls++;
	if (sig_deliverable(p)) {	/* e.g. unblocked by rt_sigprocmask */
		p->hresult = r;
		p->hresult_pending = true;
		ctx->rax = (unsigned long)PM_TRAP_RESULT;
		mutexRel(&pm_lock);
		return K_TRAP_PASS;
	}
	ctx->rax = (unsigned long)r;
	mutexRel(&pm_lock);
	return K_TRAP_DONE;
}

/* In a supervisor pm, pm_trap serves actor aid of p first (pm_lock held;
 * without a connection, as in a user pm, the twin serves every call). */
void
trap_connect(struct proc *p, long aid)
{
	if (__kstart->mode == K_ACTOR_SUPER && !trace)
		trapConnect(aid, K_TRAP_SYSCALL, pm_trap, p);
}

/* Messages to pm's port and to the control ports: signals, notices. */
static void
control(void)
{
	struct kmsg m;
	long r;

	for (;;) {
		memset(&m, 0, sizeof(m));
		r = ipcReceive(&m, K_ALLPORTS, 10 * 1000000L);
		mutexGet(&pm_lock);
		sig_check_alarms();
		if (r == K_OK && m.annex[0] == UNIX_SIGNAL &&
		    (m.protid == UNIX_PROTID) && m.port.stamp > UNIX_PORT_PROC(0)) {
			/* from stm (sender 0: the terminal) or from a kill of a group:
			 * the sender took its own already; the others by its ids */
			struct proc *p = proc_find((int)(m.port.stamp - UNIX_PORT_PROC(0)));
			int sig = (int)m.annex[1], from = (int)m.annex[2];
			if (p && sig > 0 && sig <= L_NSIG && p->pid != from &&
			    (!from || may_signal_ids(UNIX_CRED_UID(m.annex[3]), UNIX_CRED_GID(m.annex[3]),
						     (int)m.annex[4], p, sig)))
				sig_post(p, sig);
		} else if (r == K_OK && m.annex[0] == STM_NOTIFY) {
			struct proc *p = proc_find((int)m.annex[1]);
			if (p)
				sig_interrupt(p);	/* its poll looks again */
		}
		mutexRel(&pm_lock);
		if (r == K_OK && m.reply) {
			struct kmsg rep = { 0 };
			ipcReply(m.reply, &rep);
		}
	}
}

/* Waits until a server answers on its port (it starts beside pm). */
static long
wait_server(const struct kui *port, unsigned long op)
{
	struct kmsg m;
	struct kaddr to = { .ui = *port, .mode = K_ADDR_PORT };
	long r = -K_EUNKNOWN;

	for (int i = 0; i < 1000; i++) {
		memset(&m, 0, sizeof(m));
		m.annex[0] = op;
		r = ipcCall(&m, &to, &m, 1000000000L);
		if (r != -K_EUNKNOWN && r != -K_EUNREACH)	/* a built UI not here yet */
			return r;
		threadSleep(10 * 1000000L);
	}
	return r;
}

int
main(int argc, char **argv)
{
	static char *dflt[] = { "/bin/sh", NULL };
	char **iargv;
	if (argc > 1 && strcmp(argv[1], "trace") == 0) {
		trace = true;
		argc--;
		argv++;
	}
	iargv = argc > 1 ? argv + 1 : dflt;
	struct kui want;
	struct proc *p;
	long r;

	actorSetProtId(0, UNIX_PROTID);
	capSecretNew(pm_secret);
	want = unixPort(UNIX_PORT_PM);
	if ((r = portCreate(&want, &pm_port)) < 0) {
		kprintf("pm: no port: %s\n", kerrName(r));
		return 1;
	}
	portEnable(&pm_port, 0);
	om_port = unixPort(UNIX_PORT_OM);
	stm_port = unixPort(UNIX_PORT_STM);
	if ((r = wait_server(&om_port, OM_STATFS)) < 0 || (r = wait_server(&stm_port, STM_POLL)) < 0) {
		kprintf("pm: om or stm does not answer: %s\n", kerrName(r));
		return 1;
	}
	mutexGet(&pm_lock);
	p = proc_new();
	p->ppid = 0;
	p->pgid = p->sid = p->pid;
	p->umask = 022;
	strlcpy(p->cwdpath, "/", sizeof(p->cwdpath));
	p->cwd = OM_ROOT;
	r = fs_console(p);
	if (r >= 0)
		r = exec_init(p, iargv[0], iargv);
	if (r < 0) {
		kprintf("pm: cannot start %s: error %ld\n", iargv[0], -r);
		mutexRel(&pm_lock);
		return 1;
	}
	mutexRel(&pm_lock);
	control();
	return 0;
}
