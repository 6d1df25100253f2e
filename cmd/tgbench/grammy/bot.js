// A bare grammY echo bot, the Node.js yardstick of cmd/tgbench: it echoes
// texts and locations and answers button presses, one update after another,
// by long polling the Bot API at $TELEGRAM_API_ROOT.
const { Bot } = require("grammy");

const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN, {
  client: { apiRoot: process.env.TELEGRAM_API_ROOT },
});

bot.on("message", async (ctx) => {
  const loc = ctx.message.location;
  if (loc) {
    await ctx.replyWithLocation(loc.latitude, loc.longitude);
  } else {
    await ctx.reply(ctx.message.text || "?");
  }
});
bot.on("callback_query:data", (ctx) => ctx.answerCallbackQuery({ text: ctx.callbackQuery.data }));
bot.catch((err) => console.error("update", err.ctx.update.update_id, err.error));

process.once("SIGTERM", () => bot.stop());
process.once("SIGINT", () => bot.stop());
bot.start();
