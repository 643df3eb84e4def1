/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which monitor-protocol message bodies may leave the kernel, and how much of
 * each. Hard-coded as immediates in the BPF instructions (not a map, not
 * .rodata), so user space can never widen it. Every type not listed here is
 * header-only (EVF_MSG_WITHHELD): in particular 0 (rexec config, PAM_SUCCESS),
 * 6/7 SIGN (and PAM_AUTHTOK on the PAM socket), 12 AUTHPASSWORD (plaintext
 * password), 24 KEYVERIFY, 26 KEYEXPORT (session keys), 51/52 STATE and
 * 108 PAM_RESPOND (passwords/OTPs).
 */
#ifndef SSHTRACE_MSG_POLICY_H
#define SSHTRACE_MSG_POLICY_H

/* Maximum body bytes kept for a message type; 0 = withheld */
static __always_inline __u32 msg_body_cap(__u8 msg_type)
{
	switch (msg_type) {
	case 4:
		return 128; /* REQ_AUTHSERV: service, style */
	case 8:
		return 260; /* REQ_PWNAM: user name */
	case 9:
		return 512; /* ANS_PWNAM: ok, uid, gid, name, gecos, dir, shell */
	case 13:
		return 16; /* ANS_AUTHPASSWORD: authenticated, maxtries */
	case 18:
		return 16; /* REQ_SETCOMPAT: compat flags */
	case 22:
		return 1024; /* REQ_KEYALLOWED: type, user, host, key blob */
	case 23:
		return 64; /* ANS_KEYALLOWED: allowed (+ key options) */
	case 25:
		return 16; /* ANS_KEYVERIFY: ret */
	case 29:
		return 256; /* ANS_PTY: ok, tty, loginmsg */
	case 30:
		return 64; /* REQ_PTYCLEANUP: tty */
	case 103:
		return 256; /* ANS_PAM_ACCOUNT: ret, loginmsg */
	case 105:
		return 16; /* ANS_PAM_INIT_CTX: ok */
	case 107:
		return 512; /* ANS_PAM_QUERY: prompts (not responses) */
	case 109:
		return 16; /* ANS_PAM_RESPOND: ret */
	case 111:
		return 16; /* ANS_PAM_FREE_CTX */
	case 112:
		return 16; /* AUDIT_EVENT: event */
	case 113:
		return 1024; /* AUDIT_COMMAND: the command string */
	default:
		return 0;
	}
}

#endif /* SSHTRACE_MSG_POLICY_H */
