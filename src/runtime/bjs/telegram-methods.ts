/**
 * The Telegram methods BJS may call (spec/bjs.md §2.5: an allowlist, not every method). The
 * isolate gets this list to build `Api.*` and to refuse `Api.call` early; the host checks every
 * action against it again, since nothing the isolate says is trusted.
 */
export const TELEGRAM_METHODS = [
  "sendMessage", "forwardMessage", "forwardMessages", "copyMessage", "copyMessages", "sendPhoto", "sendAudio", "sendDocument",
  "sendVideo", "sendAnimation", "sendVoice", "sendVideoNote", "sendMediaGroup", "sendLocation", "sendVenue", "sendContact",
  "sendPoll", "sendDice", "sendChatAction", "sendSticker", "sendInvoice", "sendGame", "setGameScore", "getGameHighScores",
  "editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup", "editMessageLiveLocation",
  "stopMessageLiveLocation", "stopPoll", "deleteMessage", "deleteMessages", "getUserProfilePhotos", "getFile",
  "banChatMember", "unbanChatMember", "restrictChatMember", "promoteChatMember", "setChatAdministratorCustomTitle",
  "banChatSenderChat", "unbanChatSenderChat", "setChatPermissions", "exportChatInviteLink", "createChatInviteLink",
  "editChatInviteLink", "revokeChatInviteLink", "approveChatJoinRequest", "declineChatJoinRequest", "setChatPhoto",
  "deleteChatPhoto", "setChatTitle", "setChatDescription", "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages",
  "leaveChat", "getChat", "getChatAdministrators", "getChatMemberCount", "getChatMember", "setChatStickerSet",
  "deleteChatStickerSet", "answerCallbackQuery", "answerInlineQuery", "answerShippingQuery", "answerPreCheckoutQuery",
  "setMyCommands", "deleteMyCommands", "getMyCommands", "setChatMenuButton", "getChatMenuButton", "setMessageReaction",
  "getMe",
  // Stars payments, Mini Apps, the bot's profile, boosts and forum topics.
  "sendPaidMedia", "createInvoiceLink", "refundStarPayment", "getStarTransactions", "editUserStarSubscription",
  "answerWebAppQuery", "savePreparedInlineMessage", "setMyDescription", "getMyDescription", "setMyShortDescription",
  "getMyShortDescription", "setMyName", "getMyName", "setMyDefaultAdministratorRights",
  "getMyDefaultAdministratorRights", "getUserChatBoosts", "createForumTopic", "editForumTopic", "closeForumTopic",
  "reopenForumTopic", "deleteForumTopic", "unpinAllForumTopicMessages", "getForumTopicIconStickers",
  "editGeneralForumTopic", "closeGeneralForumTopic", "reopenGeneralForumTopic", "hideGeneralForumTopic",
  "unhideGeneralForumTopic", "unpinAllGeneralForumTopicMessages",
] as const;

export type TelegramMethod = (typeof TELEGRAM_METHODS)[number];

/**
 * Older names Telegram renamed (Bot API 5.3) but still accepts, which bots written before
 * then call: BJS reaches them as `Api.<old name>`, sent under the current name.
 */
export const RENAMED_METHODS: Readonly<Record<string, TelegramMethod>> = { kickChatMember: "banChatMember", getChatMembersCount: "getChatMemberCount" };

/** Methods that take no `chat_id`, so BJS does not fill in the current chat. */
export const CHATLESS_METHODS: readonly TelegramMethod[] = [
  "answerCallbackQuery", "answerInlineQuery", "getMe", "setMyCommands", "getMyCommands", "deleteMyCommands", "getFile",
  "answerShippingQuery", "answerPreCheckoutQuery", "getUserProfilePhotos",
  "createInvoiceLink", "refundStarPayment", "getStarTransactions", "editUserStarSubscription", "answerWebAppQuery",
  "savePreparedInlineMessage", "setMyDescription", "getMyDescription", "setMyShortDescription", "getMyShortDescription",
  "setMyName", "getMyName", "setMyDefaultAdministratorRights", "getMyDefaultAdministratorRights", "getForumTopicIconStickers",
];
