// bpf/events.h for C++: it is C11 (_Static_assert) and needs the kernel's __u* types.
#ifndef SSHTRACE_EVENTS_CXX_H
#define SSHTRACE_EVENTS_CXX_H

#include <linux/types.h>

#define _Static_assert static_assert  // C++17 spells C11's _Static_assert this way
#include "events.h"
#undef _Static_assert

#endif  // SSHTRACE_EVENTS_CXX_H
