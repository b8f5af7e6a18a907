package org.dispatchengine.benchmark;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket server on Netty whose application copies each message out and drops it, on the event loop thread that
 * read it: the yardstick for the cost of the engine's own socket layer ({@code PekkoFrameSink}) under
 * {@link FrameFlood}.
 */
public final class NettyFrameSink {
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    AtomicLong frames = new AtomicLong();
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(options.integer("threads", 1), NioIoHandler.newFactory());
    new ServerBootstrap().group(acceptor, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65_536),
                new WebSocketServerProtocolHandler("/ws", null, false, 16_384),
                new SimpleChannelInboundHandler<WebSocketFrame>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
                    byte[] message = new byte[frame.content().readableBytes()];
                    frame.content().readBytes(message);
                    frames.incrementAndGet();
                  }
                });
          }
        })
        .bind("127.0.0.1", options.integer("port", 18096)).sync();
    LoadClient.log("bound");
    SinkReport.every10Seconds("netty", frames);
  }
}
