% rebase('base', title='管理 · ' + place.name, body_class='admin', station=place.name, what='工作人员管理', nav=[('/', '报到页面')])
<h1>工作人员登录</h1>
<form class="login" method="post" action="/admin/login">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <div class="yz-field">
    <label class="yz-field__label" for="pin">管理密码（6–12 位数字）</label>
    <div class="yz-field__row">
      <input class="yz-input" id="pin" name="pin" type="password" inputmode="numeric" pattern="[0-9]*" maxlength="12" autocomplete="current-password" autofocus{{!' aria-invalid="true" aria-describedby="pin-msg"' if error else ''}}>
      <button type="submit" class="yz-button">进入管理</button>
    </div>
% if error:
    <p class="yz-field__message" id="pin-msg" role="alert">{{error}}</p>
% end
  </div>
</form>
