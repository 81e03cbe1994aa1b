/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The after_* hook points: a VM's claim leaves the ledger once its start (or migration, restore) is over. */
#include <errno.h>

#include "domxml.h"
#include "fileio.h"
#include "ledger.h"
#include "macro.h"
#include "release.h"
#include "uuid.h"

int release_claim(const struct hook_request *req, struct diag *d) {
        _cleanup_(file_data_done) struct file_data file = {.dir_fd = -1, .fd = -1};
        _cleanup_(ledger_close) struct ledger l = {0};
        char uuid[UUID_STRING_SIZE];
        int r;

        if (req->dry_run)
                return 0;
        if (!req->domxml_path)
                return diag_error(
                        d, -EINVAL, "_hook_domxml is not set; VDSM sets it, by hand use --domxml FILE");
        r = file_read(req->domxml_path, "domain XML", DOMXML_SIZE_MAX, FILE_NOFOLLOW, &file, d);
        if (r >= 0)
                r = uuid_from_domxml(file.data, file.len, uuid, d);
        if (r >= 0)
                r = ledger_open(req->run_dir ? req->run_dir : LEDGER_RUN_DIR, ledger_now(), &l, d);
        if (r >= 0)
                r = ledger_remove(&l, uuid, d);
        return r;
}
