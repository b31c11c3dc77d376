// Guard (spec/bjs.md §6.2): commands of one folder only for the bot's admins. `setup()` makes
// the admin panel (admins by Botyard user id, the folder, the access-denied command) with the
// user who ran it as the first admin; `verifyAccess()` goes in `@`:
//   if (!Libs.Guard.verifyAccess()) return;

var PANEL = "Guard";

function setup() {
  AdminPanel.setPanel({
    panel_name: PANEL,
    data: {
      title: "Guard: admin access",
      description: "Commands of the admin folder run only for these users",
      icon: "shield-checkmark",
      fields: [
        { name: "ADMINS", title: "Admins", description: "Botyard user ids (user.id), separated by commas", type: "string", placeholder: "1, 2", value: user ? String(user.id) : "", icon: "people" },
        { name: "ADMINS_FOLDER", title: "Admin folder", description: "The folder of the admin commands", type: "string", placeholder: "admins", value: "admins", icon: "folder" },
        { name: "ACCESS_DENIED", title: "Access denied command", description: "Runs when someone else calls an admin command (empty: a short reply)", type: "string", placeholder: "/accessDenied", value: "", icon: "warning" },
      ],
    },
  });
}

function field(name) {
  return AdminPanel.getFieldValue({ panel_name: PANEL, field_name: name });
}

function admins() {
  return String(field("ADMINS") || "")
    .split(/[\s,]+/)
    .filter(function (id) { return id !== ""; })
    .map(Number);
}

/** Whether the user with this Botyard id is an admin. */
function isAdmin(bbUserId) {
  return admins().indexOf(Number(bbUserId)) >= 0;
}

/** True when the current command may run: no panel, a command outside the folder, or an admin. */
function verifyAccess() {
  if (!AdminPanel.getPanel(PANEL)) return true;
  var folder = String(field("ADMINS_FOLDER") || "").trim();
  if (!folder || !command || command.folder !== folder) return true;
  if (user && isAdmin(user.id)) return true;
  var denied = String(field("ACCESS_DENIED") || "").trim();
  if (denied) Bot.runCommand(denied);
  else if (chat) Bot.sendMessage("Access denied");
  return false;
}

publish({
  setup: setup,
  isAdmin: isAdmin,
  verifyAccess: verifyAccess,
});
