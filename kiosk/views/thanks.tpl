% rebase('base', title='登记成功 · ' + place.name, body_class='thanks', home=back, wait=wait, refresh=('%d;url=%s' % (wait, back)) if wait else '')
<header class="bar">
  <div class="station">{{place.name}}</div>
  <div class="what">报到登记</div>
</header>
<main class="done">
  <div class="tick" aria-hidden="true">✓</div>
  <h1>登记成功，谢谢！</h1>
  <p class="when">登记时间 <span id="at">{{at}}</span></p>
  <p class="number">登记号 <strong id="number">{{number}}</strong></p>
% if wait:
  <p class="hint">{{wait}} 秒后自动回到登记页面</p>
  <a class="button" href="{{back}}">下一位登记</a>
% else:
  <p class="hint">如需凭证，请截图保存本页。</p>
  <a class="button secondary" href="{{back}}">为其他人登记</a>
% end
</main>
