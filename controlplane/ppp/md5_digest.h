// The one place the PPP code reaches for MD5 (CHAP, RFC 1994). It borrows the
// L2TP control plane's RFC 1321 implementation; pointing this file elsewhere
// is all it takes to move it.
#pragma once

#include "controlplane/l2tp/md5.h"

namespace lns::ppp {

using Md5 = ::lns::Md5;
using Md5Digest = ::lns::Md5Digest;

}  // namespace lns::ppp
